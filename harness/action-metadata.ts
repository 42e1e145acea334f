import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

export interface InputDeclaration {
  name: string
  default?: string
}

/** The parts of action.yml the runner uses to start a JavaScript action. */
export interface ActionMetadata {
  dir: string
  using: string
  main: string
  post?: string
  postIf: string
  inputs: InputDeclaration[]
}

/** Reads action.yml (or action.yaml, which the runner also accepts) from `dir`. */
export function readActionMetadata(dir: string): ActionMetadata {
  const file = ['action.yml', 'action.yaml']
    .map(name => path.join(dir, name))
    .find(candidate => existsSync(candidate))
  if (!file) throw new Error(`No action.yml or action.yaml in ${dir}`)

  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null
  const runs = (doc?.['runs'] ?? {}) as Record<string, unknown>
  const using = String(runs['using'] ?? '')
  if (!/^node\d+$/.test(using)) {
    throw new Error(`${file}: runs.using is '${using}'; the harness runs JavaScript actions only`)
  }
  if (typeof runs['main'] !== 'string') throw new Error(`${file}: runs.main is missing`)

  return {
    dir,
    using,
    main: runs['main'],
    post: typeof runs['post'] === 'string' ? runs['post'] : undefined,
    postIf: typeof runs['post-if'] === 'string' ? runs['post-if'] : 'always()',
    inputs: readInputs(doc?.['inputs'])
  }
}

function readInputs(raw: unknown): InputDeclaration[] {
  if (!raw || typeof raw !== 'object') return []
  return Object.entries(raw as Record<string, unknown>).map(([name, spec]) => {
    const declared = (spec ?? {}) as Record<string, unknown>
    const value = declared['default']
    // YAML may type a default as a number or boolean; the runner hands over its string form.
    return value === undefined || value === null ? { name } : { name, default: String(value) }
  })
}

/** `INPUT_` + name upper-cased with spaces as underscores; hyphens stay, as in the runner. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export interface ResolvedInputs {
  env: Record<string, string>
  unexpected: string[]
}

/**
 * Every declared input gets a variable (given value, else default, else ''); undeclared ones are
 * passed on too. Input names compare case-insensitively, as in the runner.
 */
export function resolveInputs(
  declared: InputDeclaration[],
  given: Record<string, string>,
  evaluateDefault: (expression: string) => string
): ResolvedInputs {
  const env: Record<string, string> = {}
  const declaredNames = new Set(declared.map(input => input.name.toLowerCase()))
  for (const input of declared) {
    env[inputEnvName(input.name)] =
      input.default === undefined ? '' : evaluateDefault(input.default)
  }
  const unexpected: string[] = []
  for (const [name, value] of Object.entries(given)) {
    env[inputEnvName(name)] = value
    if (!declaredNames.has(name.toLowerCase())) unexpected.push(name)
  }
  return { env, unexpected }
}

export function unexpectedInputsWarning(
  unexpected: string[],
  declared: InputDeclaration[]
): string {
  const valid = declared.map(input => input.name).join("', '")
  return `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid}']`
}

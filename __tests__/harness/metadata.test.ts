// action.yml, cleanup/action.yml, the input lists in src/ and the README tables must say the same
// thing; the example workflows must parse and use only inputs the actions declare.
import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { REPOSITORY_ROOT } from '../../harness/index.ts'
import { CLEANUP_INPUT_NAMES } from '../../src/cleanup/inputs.ts'
import { INPUT_NAMES } from '../../src/main/inputs.ts'
import { PROMOTE_INPUT_NAMES } from '../../src/promote/inputs.ts'

interface Metadata {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}

/** Inputs that sign in and reach the API: the same in both actions. */
const CONNECTION_INPUTS = [
  'secret-id',
  'secret-key',
  'session-token',
  'endpoint',
  'role-arn',
  'oidc-provider-id',
  'role-session-name',
  'role-duration-seconds',
  'oidc-audience',
  'sts-endpoint'
]

const read = (file: string) => readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8')
const main = parse(read('action.yml')) as Metadata
const cleanup = parse(read('cleanup/action.yml')) as Metadata
const promote = parse(read('promote/action.yml')) as Metadata
const readme = read('README.md')

/** The first column and the second of the table under a heading of the README. */
function table(heading: string): [string, string][] {
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const rows: [string, string][] = []
  for (const line of readme.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('#')) break
    const cells = line.split('|').map(c => c.trim())
    if (line.startsWith('|') && /^`[a-z-]+`$/.test(cells[1] ?? '')) {
      rows.push([cells[1]!.slice(1, -1), cells[2]!])
    }
  }
  return rows
}

describe('action metadata', () => {
  it('main: INPUT_NAMES, action.yml and the README tables agree', () => {
    expect(Object.keys(main.inputs)).toEqual([...INPUT_NAMES])
    expect(table('## Inputs').map(([name]) => name)).toEqual([...INPUT_NAMES])
    expect(table('## Outputs').map(([name]) => name)).toEqual(Object.keys(main.outputs))
    for (const name of [
      'if-exists',
      'cleanup-on-failure',
      'cleanup-wait-seconds',
      'provenance-tags'
    ]) {
      const readmeDefault = table('## Inputs').find(([n]) => n === name)![1]
      expect(readmeDefault).toBe(`\`${main.inputs[name]!.default}\``)
    }
  })

  it('main: the post step runs the same bundle, always', () => {
    expect(main.runs).toMatchObject({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()'
    })
  })

  it('cleanup: CLEANUP_INPUT_NAMES, cleanup/action.yml and the README tables agree', () => {
    expect(Object.keys(cleanup.inputs)).toEqual([...CLEANUP_INPUT_NAMES])
    const rows = table('### Inputs of the cleanup action')
    expect(rows.map(([name]) => name)).toEqual([...CLEANUP_INPUT_NAMES])
    // Connection inputs are the main action's; their rows show the same defaults as its table.
    const connection = new Set(['region', ...CONNECTION_INPUTS])
    for (const [name, shown] of rows) {
      if (!connection.has(name)) expect(shown).toBe(`\`${cleanup.inputs[name]!.default || "''"}\``)
    }
    expect(table('### Outputs of the cleanup action').map(([n]) => n)).toEqual(
      Object.keys(cleanup.outputs)
    )
    expect(cleanup.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('cleanup takes the connection inputs exactly as the main action does', () => {
    for (const name of CONNECTION_INPUTS) {
      expect(cleanup.inputs[name]).toEqual(main.inputs[name])
    }
    expect(cleanup.inputs.region!.required).toBe(true)
  })

  it('promote: PROMOTE_INPUT_NAMES, promote/action.yml and the README tables agree', () => {
    expect(Object.keys(promote.inputs)).toEqual([...PROMOTE_INPUT_NAMES])
    const rows = table('### Inputs of the promote action')
    expect(rows.map(([name]) => name)).toEqual([...PROMOTE_INPUT_NAMES])
    // The Default column shows what action.yml has; what an empty input stands for (an
    // environment variable, a domain) is in the description, as for the other two actions.
    for (const [name, shown] of rows) {
      expect(shown).toBe(`\`${promote.inputs[name]!.default || "''"}\``)
    }
    expect(table('### Outputs of the promote action').map(([n]) => n)).toEqual(
      Object.keys(promote.outputs)
    )
    expect(promote.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('promote takes the connection inputs exactly as the main action does; region is optional', () => {
    for (const name of CONNECTION_INPUTS) {
      expect(promote.inputs[name]).toEqual(main.inputs[name])
    }
    expect(promote.inputs.region!.required).toBe(false)
  })
})

interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, { steps?: Step[]; permissions?: unknown }>
}

const exampleDir = path.join(REPOSITORY_ROOT, 'docs', 'examples')
const examples = readdirSync(exampleDir).filter(file => file.endsWith('.yml'))

describe('example workflows', () => {
  it('cover a release, a pull request, a schedule and a reusable workflow', () => {
    const triggers = examples.map(file =>
      Object.keys((parse(readFileSync(path.join(exampleDir, file), 'utf8')) as Workflow).on)
    )
    for (const trigger of [
      'push',
      'pull_request',
      'schedule',
      'workflow_call',
      'workflow_dispatch'
    ]) {
      expect(triggers.flat()).toContain(trigger)
    }
  })

  it.each(examples)('%s: permissions set, no pull_request_target, inputs declared', file => {
    const text = readFileSync(path.join(exampleDir, file), 'utf8')
    const workflow = parse(text) as Workflow
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target')
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        const uses = step.uses ?? ''
        const declared = uses.endsWith('/cleanup@v1')
          ? cleanup.inputs
          : uses.endsWith('/promote@v1')
            ? promote.inputs
            : uses.startsWith('<owner>/tencentcloud-cvm-image-action@')
              ? main.inputs
              : undefined
        if (!declared) continue
        for (const name of Object.keys(step.with ?? {}))
          expect(Object.keys(declared)).toContain(name)
      }
    }
  })
})

// Small pure parsers for action inputs. Each failure names the input and the rule it broke.

/** The step's environment, as a plain record so that parsing is tested as data. */
export type Env = Record<string, string | undefined>

export class InputError extends Error {
  readonly input: string
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
    this.input = input
  }
}

/** Tencent Cloud region names: ap-guangzhou, na-siliconvalley, ap-shanghai-fsi. */
export const REGION_NAME = /^[a-z]{2,4}(-[a-z0-9]+)+$/

const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])

/** The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them. */
export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  throw new InputError(input, `must be 'true' or 'false', got '${value}'.`)
}

/** A comma- or newline-separated list; blanks dropped, duplicates refused. */
export function parseList(input: string, value: string): string[] {
  const items = value
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')
  const seen = new Set<string>()
  for (const item of items) {
    if (seen.has(item)) throw new InputError(input, `lists '${item}' twice.`)
    seen.add(item)
  }
  return items
}

export function parseNumber(
  input: string,
  value: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean }
): number {
  if (value === '') return fallback
  if (!/^\d+(\.\d+)?$/.test(value)) {
    throw new InputError(input, `must be a number of seconds, got '${value}'.`)
  }
  const n = Number(value)
  if (range.integer && !Number.isInteger(n)) {
    throw new InputError(input, `must be a whole number, got '${value}'.`)
  }
  if (n < range.min || n > range.max) {
    throw new InputError(input, `must be between ${range.min} and ${range.max}, got ${value}.`)
  }
  return n
}

export function checkIdFormat(input: string, id: string, prefix: string): void {
  if (!new RegExp(`^${prefix}-[a-z0-9]{8}$`).test(id)) {
    throw new InputError(
      input,
      `'${id}' is not a valid id: expected '${prefix}-' followed by 8 lowercase letters or digits.`
    )
  }
}

/** Characters, not UTF-16 units: the API counts a Chinese character as one. */
export function checkLength(input: string, value: string, max: number): void {
  const length = [...value].length
  if (length > max) {
    throw new InputError(input, `must be at most ${max} characters, got ${length}.`)
  }
}

// Control characters: C0 and C1 (a line break in an image name would end a log line and start
// a workflow command). Inputs that are lists may break lines between their items.
const CONTROL = /\p{Cc}/u
const CONTROL_EXCEPT_LINES = /[^\P{Cc}\n\r\t]/u

/**
 * Refuses a control character in any input, before anything else reads them: line breaks only
 * between the items of the inputs in `lists`. The value is not quoted: it may be a credential.
 */
export function refuseControlCharacters(
  raw: Partial<Record<string, string>>,
  lists: readonly string[]
): void {
  for (const [name, value] of Object.entries(raw)) {
    if (!value) continue
    const text = lists.includes(name) ? value : value.trim()
    const found = (lists.includes(name) ? CONTROL_EXCEPT_LINES : CONTROL).exec(text)
    if (!found) continue
    const code = found[0].codePointAt(0)!
    const what =
      code === 0x0a || code === 0x0d
        ? 'a line break'
        : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    throw new InputError(
      name,
      `contains ${what} at position ${found.index + 1}. Text inputs take one line of printable characters${lists.includes(name) ? ' (this list may put each item on a line of its own)' : ''}; check the expression or secret that fills it.`
    )
  }
}

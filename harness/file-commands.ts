import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const FILE_COMMANDS = ['OUTPUT', 'STATE', 'STEP_SUMMARY', 'ENV', 'PATH'] as const
export type FileCommand = (typeof FILE_COMMANDS)[number]

/**
 * Creates the empty per-step files and returns the GITHUB_* variables naming them. With
 * `unwritableSummary` the summary path is a directory, so every write to it fails.
 */
export function createFileCommandFiles(
  dir: string,
  stepName: string,
  unwritableSummary = false
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const command of FILE_COMMANDS) {
    const file = path.join(dir, `${stepName}_${command.toLowerCase()}`)
    if (command === 'STEP_SUMMARY' && unwritableSummary) mkdirSync(file, { recursive: true })
    else writeFileSync(file, '')
    env[`GITHUB_${command}`] = file
  }
  return env
}

function readLineAt(text: string, start: number): { line: string; next: number; newline: string } {
  const end = text.indexOf('\n', start)
  if (end < 0) return { line: text.slice(start), next: text.length, newline: '' }
  const crlf = end > start && text[end - 1] === '\r'
  return {
    line: text.slice(start, crlf ? end - 1 : end),
    next: end + 1,
    newline: crlf ? '\r\n' : '\n'
  }
}

/**
 * Parses `NAME=VALUE` and `NAME<<DELIMITER` ... `DELIMITER` lines the way the runner does
 * (FileCommandManager): later names win, values are not trimmed, a missing delimiter is an error.
 */
export function parseKeyValueFile(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  let index = 0
  while (index < text.length) {
    const { line, next } = readLineAt(text, index)
    index = next
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals)
      if (name === '') throw new Error(`Invalid format '${line}'. Name must not be empty`)
      pairs.push([name, line.slice(equals + 1)])
      continue
    }
    if (heredoc < 0) throw new Error(`Invalid format '${line}'`)
    const name = line.slice(0, heredoc)
    const delimiter = line.slice(heredoc + 2)
    if (name === '' || delimiter === '') {
      throw new Error(
        `Invalid format '${line}'. Name must not be empty and delimiter must not be empty`
      )
    }
    const valueStart = index
    let valueEnd = index
    for (;;) {
      if (index >= text.length) {
        throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`)
      }
      const candidate = readLineAt(text, index)
      index = candidate.next
      if (candidate.line === delimiter) break
      if (candidate.newline === '') throw new Error('Invalid value. EOF marker missing new line.')
      valueEnd = index - candidate.newline.length
    }
    pairs.push([name, text.slice(valueStart, valueEnd)])
  }
  return pairs
}

/** Lines of GITHUB_PATH, in the order written; the runner prepends each to PATH. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter(line => line !== '')
}

// The runner refuses to upload a step summary above 1 MiB.
const SUMMARY_LIMIT_BYTES = 1024 * 1024

export interface FileCommandResults {
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  exportedEnv: Record<string, string>
  path: string[]
  errors: string[]
  warnings: string[]
}

/** Reads what the step wrote; a malformed file is reported the way the runner fails the step. */
export function readFileCommandResults(files: Record<string, string>): FileCommandResults {
  const read = (command: FileCommand) => {
    const file = files[`GITHUB_${command}`] ?? ''
    return statSync(file).isDirectory() ? '' : readFileSync(file, 'utf8')
  }
  const results: FileCommandResults = {
    outputs: {},
    state: {},
    summary: read('STEP_SUMMARY'),
    exportedEnv: {},
    path: parsePathFile(read('PATH')),
    errors: [],
    warnings: []
  }
  const keyValueFiles = [
    ['OUTPUT', results.outputs],
    ['STATE', results.state],
    ['ENV', results.exportedEnv]
  ] as const
  const summaryBytes = Buffer.byteLength(results.summary)
  if (summaryBytes > SUMMARY_LIMIT_BYTES) {
    results.warnings.push(
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(summaryBytes / 1024)}k.`
    )
  }
  for (const [command, target] of keyValueFiles) {
    try {
      for (const [name, value] of parseKeyValueFile(read(command))) {
        if (command === 'ENV' && name.toUpperCase() === 'NODE_OPTIONS') {
          results.warnings.push(
            "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command."
          )
          continue
        }
        target[name] = value
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      results.errors.push(
        `Unable to process file command '${command.toLowerCase()}' successfully. ${reason}`
      )
    }
  }
  return results
}

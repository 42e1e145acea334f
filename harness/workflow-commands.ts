import type { Annotation, WorkflowCommand } from './types.ts'

// The runner ignores `::name::` lines whose name it does not know; they stay plain log text.
const KNOWN_COMMANDS = new Set([
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'echo',
  'stop-commands',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup'
])

const DATA_ESCAPES: Record<string, string> = { '%25': '%', '%0D': '\r', '%0A': '\n' }
const PROPERTY_ESCAPES: Record<string, string> = { ...DATA_ESCAPES, '%3A': ':', '%2C': ',' }

function unescapeData(text: string): string {
  return text.replace(/%(25|0D|0A)/g, match => DATA_ESCAPES[match] ?? match)
}

function unescapeProperty(text: string): string {
  return text.replace(/%(25|0D|0A|3A|2C)/g, match => PROPERTY_ESCAPES[match] ?? match)
}

/** Parses one line in the runner's `::name key=value,key=value::message` format. */
export function parseCommandLine(line: string): WorkflowCommand | undefined {
  const text = line.replace(/\r$/, '').trimStart()
  if (!text.startsWith('::')) return undefined
  const end = text.indexOf('::', 2)
  if (end < 0) return undefined
  const info = text.slice(2, end)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  const properties: Record<string, string> = {}
  if (space >= 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const equals = pair.indexOf('=')
      if (equals > 0 && equals < pair.length - 1) {
        properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1))
      }
    }
  }
  return { command, properties, message: unescapeData(text.slice(end + 2)) }
}

/** What the runner learns from the command lines of one step, on stdout and stderr alike. */
export class CommandLog {
  readonly commands: WorkflowCommand[] = []
  readonly annotations: Annotation[] = []
  readonly masks: string[] = []
  readonly outputs: Record<string, string> = {}
  readonly state: Record<string, string> = {}
  readonly warnings: string[] = []
  private stopToken: string | undefined

  /** Handles one line; returns true when the line is an add-mask command to hide from the log. */
  accept(line: string): boolean {
    if (this.stopToken !== undefined) {
      if (line.trimStart().startsWith(`::${this.stopToken}::`)) this.stopToken = undefined
      return false
    }
    const parsed = parseCommandLine(line)
    if (!parsed || !KNOWN_COMMANDS.has(parsed.command)) return false
    this.commands.push(parsed)
    return this.apply(parsed)
  }

  private apply({ command, properties, message }: WorkflowCommand): boolean {
    switch (command) {
      case 'add-mask':
        if (message.trim() !== '') this.masks.push(message.trim())
        return true
      case 'stop-commands':
        this.stopToken = message
        return false
      case 'set-output':
      case 'save-state': {
        const target = command === 'set-output' ? this.outputs : this.state
        if (properties['name']) target[properties['name']] = message
        this.warnings.push(
          `The \`${command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.`
        )
        return false
      }
      case 'set-env':
      case 'add-path':
        this.warnings.push(`The \`${command}\` command is disabled.`)
        return false
      case 'error':
      case 'warning':
      case 'notice':
        this.annotations.push(toAnnotation(command, properties, message))
        return false
      default:
        return false
    }
  }
}

function toAnnotation(
  level: Annotation['level'],
  properties: Record<string, string>,
  message: string
): Annotation {
  const annotation: Annotation = { level, message }
  if (properties['title'] !== undefined) annotation.title = properties['title']
  if (properties['file'] !== undefined) annotation.file = properties['file']
  if (properties['line'] !== undefined) annotation.line = properties['line']
  return annotation
}

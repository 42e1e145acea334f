// The one way the actions write to the log. Whatever is logged may hold text from a user (an image
// name from a pull-request title) or from the API (an image state, an error message), and the
// runner executes every output line that starts with '::' (or holds the older '##[') as a
// workflow command. So every line goes through here: credentials are cut out, and a message that
// would read as a command is printed between ::stop-commands:: and its resume token, which GitHub
// documents for printing untrusted text. eslint keeps core.info and its siblings out of the rest.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { redactSecrets } from './secrets.ts'

/** How the runner splits output into lines (.NET ReadLine): \r, \n or \r\n. */
const LINE_BREAK = /\r\n|\r|\n/

/** True when the runner would take some line of `text` for a workflow command. */
export function readsAsCommand(text: string): boolean {
  return text
    .split(LINE_BREAK)
    .some(line => line.trimStart().startsWith('::') || line.includes('##['))
}

/** `text` as lines the runner prints and never executes, secrets cut out. */
export function inert(text: string, token: () => string = randomUUID): string {
  const clean = redactSecrets(text)
  if (!readsAsCommand(clean)) return clean
  const resume = token().replace(/-/g, '')
  return `::stop-commands::${resume}\n${clean}\n::${resume}::`
}

export interface Logger {
  info(message: string): void
  warning(message: string, title?: string): void
  error(message: string, title?: string): void
}

/**
 * Annotations escape their own line breaks (the toolkit encodes them), so only secrets need
 * cutting there; the title is a property, escaped the same way.
 */
export const log: Logger = {
  info: message => core.info(inert(message)),
  warning: (message, title) =>
    core.warning(redactSecrets(message), title ? { title: redactSecrets(title) } : {}),
  error: (message, title) =>
    core.error(redactSecrets(message), title ? { title: redactSecrets(title) } : {})
}

/** A log group around `fn`; the group's name is a command property, escaped by the toolkit. */
export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(redactSecrets(name), fn)
}

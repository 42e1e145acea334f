// The one way a step fails, in the main step, the post step and every action: an annotation
// whose title says what failed and whose message says why and what to do, credentials cut out,
// and a non-zero exit code (process.exitCode: the toolkit's ExitCode enum is missing from some
// local runners' stubs of @actions/core).
import { CancelledError } from './clock.ts'
import { InputError } from './inputs.ts'
import { log } from './log.ts'
import { redactSecrets } from './secrets.ts'

/** A failure that should be reported with an annotation title. */
export class ActionFailure extends Error {
  readonly title: string
  constructor(title: string, message: string) {
    super(message)
    this.name = 'ActionFailure'
    this.title = title
  }
}

export interface Explained {
  title: string
  /** Safe to show: credentials are cut out. */
  message: string
}

/** Title and message for whatever a stage threw. */
export function explain(error: unknown, fallbackTitle = 'Unexpected error'): Explained {
  const titled = error as { title?: unknown }
  const title =
    error instanceof InputError
      ? 'Invalid input'
      : error instanceof CancelledError
        ? 'Cancelled'
        : typeof titled?.title === 'string'
          ? titled.title
          : fallbackTitle
  const message = error instanceof Error ? error.message : String(error)
  return { title: redactSecrets(title), message: redactSecrets(message) }
}

export function fail(failure: Explained): void {
  log.error(failure.message, failure.title)
  process.exitCode = 1
}

// What a long step says while it works and when it ends. An image takes minutes to tens of
// minutes, and a log that says CREATING and then nothing for that long reads as a hung job: so a
// line about once a minute, a closing account of what the step spent (polls, retries, throttled
// calls), and the time of each phase, so a slow one shows in the job summary at a glance.
import type { Clock } from './clock.ts'
import { formatDuration } from './format.ts'
import { parseNumber, type Env } from './inputs.ts'

/**
 * Tests and demos shorten the pause between progress lines with this variable instead of waiting
 * a real minute. It is not an input: a workflow has no reason to change it.
 */
export const PROGRESS_ENV = 'CVM_IMAGE_PROGRESS_SECONDS'
export const DEFAULT_PROGRESS_SECONDS = 60

export function progressIntervalMs(env: Env): number {
  const value = (env[PROGRESS_ENV] ?? '').trim()
  return 1000 * parseNumber(PROGRESS_ENV, value, DEFAULT_PROGRESS_SECONDS, { min: 0.1, max: 3600 })
}

/** What a step spent on the API: fed by the waits (polls) and the retry hook (retries). */
export interface Tally {
  polls: number
  retries: number
  /** Retries after a RequestLimitExceeded answer. */
  throttled: number
}

export function newTally(): Tally {
  return { polls: 0, retries: 0, throttled: 0 }
}

/** The closing line: 'Took 4m 12s: 37 polls, 2 retries (1 after throttling).' */
export function accountLine(elapsedMs: number, tally: Tally): string {
  const polls = `${tally.polls} poll${tally.polls === 1 ? '' : 's'}`
  const retries = `${tally.retries} ${tally.retries === 1 ? 'retry' : 'retries'}`
  const throttled = tally.throttled > 0 ? ` (${tally.throttled} after throttling)` : ''
  return `Took ${formatDuration(elapsedMs)}: ${polls}, ${retries}${throttled}.`
}

/**
 * Logs `describe(elapsed)` when `beat()` comes at least `intervalMs` after the start or the last
 * line. Beats come with the polls, so lines land on the first poll after each interval.
 */
export class Heartbeat {
  private readonly clock: Clock
  private readonly intervalMs: number
  private readonly log: (message: string) => void
  private readonly describe: (elapsedMs: number) => string
  private readonly since: number
  private last: number

  constructor(
    clock: Clock,
    intervalMs: number,
    log: (message: string) => void,
    describe: (elapsedMs: number) => string
  ) {
    this.clock = clock
    this.intervalMs = intervalMs
    this.log = log
    this.describe = describe
    this.since = clock.now()
    this.last = this.since
  }

  beat(): void {
    const now = this.clock.now()
    if (now - this.last < this.intervalMs) return
    this.last = now
    this.log(this.describe(now - this.since))
  }
}

export interface PhaseTime {
  phase: string
  ms: number
  /** Said after the time, e.g. '37 polls'. */
  note?: string
}

/** The time of each phase of a step, in the order they ran, kept however a phase ends. */
export class Phases {
  readonly times: PhaseTime[] = []
  private readonly clock: Clock

  constructor(clock: Clock) {
    this.clock = clock
  }

  async time<T>(phase: string, fn: () => Promise<T>, note?: () => string): Promise<T> {
    const start = this.clock.now()
    try {
      return await fn()
    } finally {
      this.times.push({ phase, ms: this.clock.now() - start, note: note?.() })
    }
  }
}

// Polling economy: how long after an image turns NORMAL each waiter notices, and how many
// DescribeImages calls it spends, for our schedule and the documented schedules of peers.
// One simulation runs every schedule; ours is the action's own pollDelay/defaultSchedule.
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../src/main/inputs.ts'
import { defaultSchedule, pollDelay } from '../src/image/schedule.ts'
import type { Random } from '../src/runner/clock.ts'
import { seededRandom, spread, type Spread } from './stats.ts'

/** The pause before poll number `index`; index 0 is the first poll after CreateImage answered. */
export type PauseBefore = (index: number, random: Random) => number

export interface Waiter {
  name: string
  /** How the schedule is documented, for the report. */
  rule: string
  pauseBefore: PauseBefore
}

const ours = defaultSchedule(DEFAULT_POLL_INTERVAL_SECONDS * 1000)
/** The default before the benchmark: the same but a first pause of 2 s. Kept to show why it changed. */
const previous = { ...ours, initialMs: 2_000 }

export const WAITERS: readonly Waiter[] = [
  {
    name: 'this action',
    rule: `first poll after ${ours.initialMs / 1000} s, x${ours.factor} up to ${ours.maxMs / 1000} s, up to ${ours.jitter * 100}% shorter at random`,
    pauseBefore: (index, random) => pollDelay(ours, index, random)
  },
  {
    name: 'previous default',
    rule: 'as ours, but the first poll after 2 s',
    pauseBefore: (index, random) => pollDelay(previous, index, random)
  },
  {
    // packer-plugin-tencentcloud WaitForImageReady: DescribeImages, then sleep 5 s, repeat.
    name: 'Packer',
    rule: 'at once, then every 5 s',
    pauseBefore: index => (index === 0 ? 0 : 5_000)
  },
  {
    // Terraform's StateChangeConf (resource.Retry): at once, then 0.5 s doubling, capped at 10 s.
    name: 'Terraform',
    rule: 'at once, then 0.5 s doubling to 10 s',
    pauseBefore: index => (index === 0 ? 0 : Math.min(10_000, 500 * 2 ** (index - 1)))
  },
  {
    // botocore's ec2 image-available waiter: Delay 15, the first call at once.
    name: 'AWS CLI waiter',
    rule: 'at once, then every 15 s',
    pauseBefore: index => (index === 0 ? 0 : 15_000)
  }
]

export interface Trial {
  /** From the image turning NORMAL to the poll that saw it. */
  delayMs: number
  calls: number
}

/** Polls until the first poll at or after `readyAtMs` (ms after CreateImage answered). */
export function simulate(waiter: Waiter, readyAtMs: number, random: Random): Trial {
  let t = 0
  for (let index = 0; ; index++) {
    t += waiter.pauseBefore(index, random)
    if (t >= readyAtMs) return { delayMs: t - readyAtMs, calls: index + 1 }
  }
}

/** '5 s', '2 min': how the report names a creation time. */
export function creationLabel(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`
}

export interface PollingCase {
  creationMs: number
  waiter: string
  delayMs: Spread
  calls: Spread
}

export interface PollingOptions {
  creationTimesMs: readonly number[]
  trials: number
  /** Real creation times vary: each trial draws one uniformly within this fraction of nominal. */
  spreadFraction: number
  seed: number
}

export const POLLING_DEFAULTS: PollingOptions = {
  creationTimesMs: [5_000, 30_000, 120_000, 600_000],
  trials: 10_000,
  spreadFraction: 0.2,
  seed: 20_261_122
}

/**
 * Every waiter sees the same drawn creation times (one random stream), and ours gets its own
 * stream for jitter, so the comparison is paired.
 */
export function runPolling(
  options: PollingOptions = POLLING_DEFAULTS,
  waiters = WAITERS
): PollingCase[] {
  const cases: PollingCase[] = []
  for (const creationMs of options.creationTimesMs) {
    const draw = seededRandom(options.seed + creationMs)
    const readyTimes = Array.from(
      { length: options.trials },
      () => creationMs * (1 + options.spreadFraction * (2 * draw() - 1))
    )
    for (const waiter of waiters) {
      const jitter = seededRandom(options.seed * 31 + creationMs)
      const trials = readyTimes.map(readyAt => simulate(waiter, readyAt, jitter))
      cases.push({
        creationMs,
        waiter: waiter.name,
        delayMs: spread(trials.map(t => t.delayMs)),
        calls: spread(trials.map(t => t.calls))
      })
    }
  }
  return cases
}

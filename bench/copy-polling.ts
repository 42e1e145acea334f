// Copy polling: how long after a copy turns NORMAL the action notices, and how many polls a region
// costs, waiting by the schedule alone (as before) and by SyncPercent (src/image/sync-progress.ts,
// the code the action runs). Real progress is uneven, so each trial's percentage rises at a rate
// that changes at random every half minute, and stalls near the end for a while.
import { defaultSchedule, pollDelay } from '../src/image/schedule.ts'
import { progressPause, type ProgressSample } from '../src/image/sync-progress.ts'
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../src/main/inputs.ts'
import { creationLabel } from './polling.ts'
import { seededRandom, spread, type Spread } from './stats.ts'
import type { TargetCheck } from './targets.ts'

export interface CopyPollingOptions {
  copyTimesMs: readonly number[]
  trials: number
  /** Each trial's copy time is drawn uniformly within this fraction of nominal. */
  spreadFraction: number
  seed: number
}

export const COPY_POLLING_DEFAULTS: CopyPollingOptions = {
  copyTimesMs: [120_000, 600_000, 1_800_000],
  trials: 2_000,
  spreadFraction: 0.2,
  seed: 20_261_202
}

export interface CopyCase {
  copyMs: number
  waiter: 'schedule' | 'SyncPercent'
  delayMs: Spread
  calls: Spread
}

/** SyncPercent over time for one trial: uneven rate, a stall at 99% for up to 10% of the copy. */
function progressCurve(copyMs: number, random: () => number): (t: number) => number {
  const stallMs = copyMs * 0.1 * random()
  const movingMs = copyMs - stallMs
  const segmentMs = 30_000
  const weights = Array.from({ length: Math.ceil(movingMs / segmentMs) }, () => 0.5 + random())
  const total = weights.reduce((sum, w) => sum + w, 0)
  return t => {
    if (t >= movingMs) return 99
    const index = Math.floor(t / segmentMs)
    const done = weights.slice(0, index).reduce((sum, w) => sum + w, 0)
    const within = ((t - index * segmentMs) / segmentMs) * weights[index]!
    return Math.min(99, Math.floor(((done + within) / total) * 99))
  }
}

function simulate(
  copyMs: number,
  percentAt: (t: number) => number,
  bySyncPercent: boolean,
  random: () => number
): { delayMs: number; calls: number } {
  const schedule = defaultSchedule(DEFAULT_POLL_INTERVAL_SECONDS * 1000)
  const samples: ProgressSample[] = []
  let t = 0
  for (let index = 0; ; index++) {
    const scheduled = pollDelay(schedule, index, random)
    t += bySyncPercent ? progressPause(samples, t, scheduled) : scheduled
    if (t >= copyMs) return { delayMs: t - copyMs, calls: index + 1 }
    samples.push({ at: t, percent: percentAt(t) })
  }
}

export function runCopyPolling(options: CopyPollingOptions = COPY_POLLING_DEFAULTS): CopyCase[] {
  const cases: CopyCase[] = []
  for (const nominal of options.copyTimesMs) {
    const draw = seededRandom(options.seed + nominal)
    const trials = Array.from({ length: options.trials }, () => {
      const copyMs = nominal * (1 + options.spreadFraction * (2 * draw() - 1))
      return { copyMs, curve: progressCurve(copyMs, draw) }
    })
    for (const waiter of ['schedule', 'SyncPercent'] as const) {
      const jitter = seededRandom(options.seed * 31 + nominal)
      const results = trials.map(trial =>
        simulate(trial.copyMs, trial.curve, waiter === 'SyncPercent', jitter)
      )
      cases.push({
        copyMs: nominal,
        waiter,
        delayMs: spread(results.map(r => r.delayMs)),
        calls: spread(results.map(r => r.calls))
      })
    }
  }
  return cases
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** For a 10-minute copy: at most a third of the schedule's polls, no worse mean detection delay. */
export function checkCopyPolling(cases: CopyCase[]): TargetCheck[] {
  const before = cases.find(c => c.copyMs === 600_000 && c.waiter === 'schedule')
  const now = cases.find(c => c.copyMs === 600_000 && c.waiter === 'SyncPercent')
  if (!before || !now) return []
  return [
    {
      target: '10 min copy: at most a third of the polls per region of the schedule alone (mean)',
      measured: `${now.calls.mean.toFixed(1)} vs ${before.calls.mean.toFixed(1)}`,
      met: now.calls.mean * 3 <= before.calls.mean
    },
    {
      target: '10 min copy: mean detection delay no worse than the schedule alone',
      measured: `${s(now.delayMs.mean)} vs ${s(before.delayMs.mean)}`,
      met: now.delayMs.mean <= before.delayMs.mean
    }
  ]
}

export function copyPollingSection(options: CopyPollingOptions, cases: CopyCase[]): string {
  const rows = cases.map(c => [
    creationLabel(c.copyMs),
    c.waiter === 'schedule' ? 'schedule alone (before)' : 'by SyncPercent (now)',
    s(c.delayMs.mean),
    s(c.delayMs.median),
    c.calls.mean.toFixed(1),
    c.calls.median.toFixed(0)
  ])
  return [
    '## 5. Copy polling',
    '',
    `Polls of one copy in its region until the first poll at or after it turns NORMAL, ${options.trials.toLocaleString('en-US')} trials per case (copy times drawn within ±${options.spreadFraction * 100}% of nominal; the same draws for both ways; seed ${options.seed}). Progress is uneven: the rate changes at random every 30 s (0.5x to 1.5x), and the copy stalls at 99% for up to a tenth of its time. "By SyncPercent" is \`progressPause\` of \`src/image/sync-progress.ts\`: the schedule until five points of progress predict an end, then half the time left to it (3 s to 60 s apart, or the schedule's own pause when that is shorter or longer), then a geometric back-off once the predicted end has passed; at 99% at most 5 s apart.`,
    '',
    '| Copy | Waiting | mean delay | median delay | mean polls | median polls |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ].join('\n')
}

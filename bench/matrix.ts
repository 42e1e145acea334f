// Simulated matrices: the action's own code for N jobs of one account on one event clock (see
// sim-runners.ts), before and after the throttling rules, side by side, each against the bound
// the rate limits set. Several seeds per size; the report quotes medians across them.
import { CREATES_PER_SECOND } from '../src/tencent/create-slot.ts'
import { Contention } from '../src/tencent/throttle.ts'
import {
  p95Bound,
  SIM_DEFAULTS,
  simulateMatrix,
  type SimResult,
  type Variant
} from './sim-runners.ts'
import { spread, type Spread } from './stats.ts'
import type { TargetCheck } from './targets.ts'

export const VARIANTS: readonly Variant[] = [
  {
    name: 'before',
    rule: 'throttling answers not read: 1 s plus up to 1 s, 2 s, 4 s... at random (the code before)',
    readableAnswers: false,
    context: base => base
  },
  {
    name: 'answer window',
    rule: "the retry window sized from the answer's count and limit, no memory across calls",
    readableAnswers: true,
    context: base => base
  },
  {
    name: "create-slot: ''",
    rule: "answer window, and a refused look-up spreads the first CreateImage (src/tencent/throttle.ts): the action with create-slot: ''",
    readableAnswers: true,
    context: base => ({ ...base, contention: new Contention() })
  },
  {
    name: 'this action',
    rule: 'as above, and each job signs in, looks up and sends CreateImage in its own 105 ms turn from its place in the matrix, the default create-slot (src/tencent/create-slot.ts)',
    readableAnswers: true,
    turns: true,
    context: base => ({ ...base, contention: new Contention() })
  }
]

/** Without and with turns, the two ways a user can run a matrix today. */
const SPREAD_VARIANTS = ["create-slot: ''", 'this action']

export interface MatrixOptions {
  sizes: readonly number[]
  seeds: number
  /** The largest size again with jobs that start over this long (information, not targets). */
  startSpreadsMs: readonly number[]
}

export interface MatrixCase {
  jobs: number
  variant: string
  startSpreadMs: number
  /** Across seeds. */
  callsPerImage: Spread
  throttledPerJob: Spread
  p50Ms: Spread
  p95Ms: Spread
  failed: number
  duplicates: number
}

export interface MatrixReport {
  options: MatrixOptions
  /** One job alone: its API calls and time to finish (median across seeds). */
  alone: { calls: number; finishMs: number }
  boundMs: Record<number, number>
  cases: MatrixCase[]
  /** The largest matrix, its jobs starting over longer spans. */
  spreadCases: MatrixCase[]
}

export async function runMatrices(options: MatrixOptions): Promise<MatrixReport> {
  const seeds = Array.from({ length: options.seeds }, (_, i) => SIM_DEFAULTS.seed + 1_000 * i)
  const aloneRuns: SimResult[] = []
  for (const seed of seeds) {
    aloneRuns.push(await simulateMatrix({ ...SIM_DEFAULTS, seed, jobs: 1 }, VARIANTS[0]!))
  }
  const alone = {
    calls: spread(aloneRuns.map(r => r.calls)).median,
    finishMs: spread(aloneRuns.map(r => r.p50Ms)).median
  }
  const cases: MatrixCase[] = []
  const boundMs: Record<number, number> = {}
  const measure = async (jobs: number, variant: Variant, startSpreadMs: number) => {
    const runs: SimResult[] = []
    for (const seed of seeds)
      runs.push(await simulateMatrix({ ...SIM_DEFAULTS, seed, jobs, startSpreadMs }, variant))
    return {
      jobs,
      variant: variant.name,
      startSpreadMs,
      callsPerImage: spread(runs.map(r => r.calls / jobs)),
      throttledPerJob: spread(runs.map(r => r.throttled / jobs)),
      p50Ms: spread(runs.map(r => r.p50Ms)),
      p95Ms: spread(runs.map(r => r.p95Ms)),
      failed: runs.reduce((sum, r) => sum + r.jobs - r.succeeded, 0),
      duplicates: runs.reduce((sum, r) => sum + r.duplicates, 0)
    }
  }
  for (const jobs of options.sizes) {
    boundMs[jobs] = p95Bound(jobs, CREATES_PER_SECOND, alone.finishMs)
    for (const variant of VARIANTS)
      cases.push(await measure(jobs, variant, SIM_DEFAULTS.startSpreadMs))
  }
  const spreadCases: MatrixCase[] = []
  const largest = Math.max(...options.sizes)
  for (const startSpreadMs of options.startSpreadsMs) {
    for (const variant of VARIANTS.filter(v => SPREAD_VARIANTS.includes(v.name))) {
      spreadCases.push(await measure(largest, variant, startSpreadMs))
    }
  }
  return { options, alone, boundMs, cases, spreadCases }
}

/** The targets, on the action as it is now (medians across seeds). */
export function checkMatrices(report: MatrixReport): TargetCheck[] {
  return report.options.sizes.flatMap(jobs => {
    const c = report.cases.find(x => x.jobs === jobs && x.variant === 'this action')
    if (!c) return []
    const bound = report.boundMs[jobs]!
    const before = report.cases.find(x => x.jobs === jobs && x.variant === 'before')!
    const unslotted = report.cases.find(x => x.jobs === jobs && x.variant === SPREAD_VARIANTS[0])!
    return [
      {
        target: `${jobs} simulated jobs: all succeed, no duplicate image`,
        measured: `${c.failed} failed, ${c.duplicates} duplicate(s)`,
        met: c.failed === 0 && c.duplicates === 0
      },
      {
        target: `${jobs} simulated jobs: calls per image at most ${(report.alone.calls + 0.5).toFixed(1)} (one job alone: ${report.alone.calls})`,
        measured: `${c.callsPerImage.median.toFixed(2)} (before: ${before.callsPerImage.median.toFixed(2)}; create-slot '': ${unslotted.callsPerImage.median.toFixed(2)})`,
        met: c.callsPerImage.median <= report.alone.calls + 0.5
      },
      {
        target: `${jobs} simulated jobs: at most 0.5 throttled calls per job`,
        measured: `${c.throttledPerJob.median.toFixed(2)} (before: ${before.throttledPerJob.median.toFixed(2)}; create-slot '': ${unslotted.throttledPerJob.median.toFixed(2)})`,
        met: c.throttledPerJob.median <= 0.5
      },
      {
        target: `${jobs} simulated jobs: p95 time to finish within 3 s of the bound (${(bound / 1000).toFixed(1)} s)`,
        measured: `${(c.p95Ms.median / 1000).toFixed(1)} s (before: ${(before.p95Ms.median / 1000).toFixed(1)} s; create-slot '': ${(unslotted.p95Ms.median / 1000).toFixed(1)} s)`,
        met: c.p95Ms.median <= bound + 3_000
      }
    ]
  })
}

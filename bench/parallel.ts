// Parallel runs: many jobs of one account start the action at once against one emulator with
// the documented rate limits (CreateImage 10/s, DescribeImages 40/s). All must succeed, each
// with exactly one image; the figures are the API calls spent and the time to finish.
import { SEED, TEST_CREDENTIALS, startEmulator } from '../emulator/index.ts'
import { runAction } from '../harness/index.ts'
import { percentile, spread, type Spread } from './stats.ts'

export interface ParallelOptions {
  processes: number
  rounds: number
  createMs: number
  /** Per-process limit; a run past it is killed and counted as failed. */
  timeoutMs: number
}

/** How the processes are told their place: not at all, or as the jobs of one matrix. */
export type ParallelVariant = "create-slot: ''" | 'matrix turns'
export const PARALLEL_VARIANTS: readonly ParallelVariant[] = ["create-slot: ''", 'matrix turns']

export interface ParallelRound {
  variant: ParallelVariant
  processes: number
  succeeded: number
  /** Names with more than one image, and images beyond one per process. */
  duplicateImages: number
  calls: number
  createImageCalls: number
  describeImagesCalls: number
  throttled: number
  throttledByAction: Record<string, number>
  p50Ms: number
  p95Ms: number
  maxMs: number
  wallMs: number
  failures: string[]
}

export interface ParallelSummary {
  variant: ParallelVariant
  calls: Spread
  throttled: Spread
  p50Ms: Spread
  p95Ms: Spread
}

export interface ParallelReport {
  options: ParallelOptions
  rounds: ParallelRound[]
  /** Per variant, across its rounds. */
  summaries: ParallelSummary[]
}

async function runRound(
  options: ParallelOptions,
  round: number,
  variant: ParallelVariant
): Promise<ParallelRound> {
  const emu = await startEmulator({ createMs: options.createMs })
  try {
    const started = Date.now()
    const names = Array.from({ length: options.processes }, (_, i) => `bench-par-${round}-${i}`)
    const jobs = options.processes
    const runs = await Promise.all(
      names.map((name, i) =>
        runAction({
          timeoutMs: options.timeoutMs,
          // As the jobs of one matrix: the default create-slot reads this context.
          ...(variant === 'matrix turns'
            ? { strategy: { 'job-index': i, 'job-total': jobs, 'max-parallel': jobs } }
            : {}),
          inputs: {
            region: SEED.region,
            endpoint: emu.url,
            'secret-id': TEST_CREDENTIALS.secretId,
            'secret-key': TEST_CREDENTIALS.secretKey,
            'instance-id': SEED.instances.running,
            'image-name': name,
            'wait-timeout-seconds': String(Math.ceil(options.timeoutMs / 1000)),
            ...(variant === 'matrix turns' ? {} : { 'create-slot': '' })
          }
        })
      )
    )
    const wallMs = Date.now() - started
    const failures: string[] = []
    runs.forEach((run, i) => {
      if (run.outcome !== 'success' || run.outputs['image-state'] !== 'NORMAL') {
        const why = run.timedOut ? 'timed out' : `exit ${run.exitCode}`
        failures.push(`${names[i]}: ${why}: ${run.annotations.map(a => a.message).join(' | ')}`)
      }
    })
    const images = emu.state
      .images(SEED.region)
      .filter(image => image.ImageName.startsWith('bench-par-'))
    const perName = new Map<string, number>()
    for (const image of images)
      perName.set(image.ImageName, (perName.get(image.ImageName) ?? 0) + 1)
    const duplicates = [...perName.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0)
    const ids = new Set(runs.map(run => run.outputs['image-id']))
    if (ids.size !== runs.length)
      failures.push(`${runs.length - ids.size} runs reported an image id another run reported`)
    const durations = runs.map(run => run.durationMs).sort((a, b) => a - b)
    const count = (action: string) => emu.calls.filter(c => c.action === action).length
    const throttled = emu.calls.filter(c => c.code?.startsWith('RequestLimitExceeded'))
    const throttledByAction: Record<string, number> = {}
    for (const call of throttled) {
      throttledByAction[call.action] = (throttledByAction[call.action] ?? 0) + 1
    }
    return {
      variant,
      processes: options.processes,
      succeeded: runs.length - failures.filter(f => f.startsWith('bench-par-')).length,
      duplicateImages: duplicates,
      calls: emu.calls.length,
      createImageCalls: count('CreateImage'),
      describeImagesCalls: count('DescribeImages'),
      throttled: throttled.length,
      throttledByAction,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      maxMs: durations[durations.length - 1] ?? NaN,
      wallMs,
      failures
    }
  } finally {
    await emu.close()
  }
}

export async function runParallel(options: ParallelOptions): Promise<ParallelReport> {
  const rounds: ParallelRound[] = []
  // Side by side: each round runs both ways, in alternating order.
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? PARALLEL_VARIANTS : [...PARALLEL_VARIANTS].reverse()
    for (const variant of order) rounds.push(await runRound(options, round, variant))
  }
  const summaries = PARALLEL_VARIANTS.map(variant => {
    const mine = rounds.filter(r => r.variant === variant)
    return {
      variant,
      calls: spread(mine.map(r => r.calls)),
      throttled: spread(mine.map(r => r.throttled)),
      p50Ms: spread(mine.map(r => r.p50Ms)),
      p95Ms: spread(mine.map(r => r.p95Ms))
    }
  })
  return { options, rounds, summaries }
}

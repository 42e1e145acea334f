// Simulated runners: N jobs of one account run the action's own look-up, claim, create and wait
// code (src/image/*.ts with src/tencent/retry.ts) against a model of the emulator (its own
// RateLimiter with the documented limits, images that turn NORMAL createMs after CreateImage) on
// one event clock. Deterministic for a seed; 256 jobs take well under a second of CPU.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { requestLimitExceeded } from '../emulator/api-error.ts'
import { RateLimiter } from '../emulator/rate-limit.ts'
import { createImage } from '../src/image/create.ts'
import { handleExisting } from '../src/image/if-exists.ts'
import { newClaim } from '../src/image/ownership.ts'
import { defaultSchedule } from '../src/image/schedule.ts'
import type { ImageSpec } from '../src/image/spec.ts'
import { waitForImage } from '../src/image/wait.ts'
import { CreateTurn } from '../src/tencent/create-slot.ts'
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../src/main/inputs.ts'
import type { Random } from '../src/runner/clock.ts'
import type { ApiClient } from '../src/tencent/client.ts'
import type { RetryContext } from '../src/tencent/retry.ts'
import { EventClock } from './sim-clock.ts'
import { percentile, seededRandom } from './stats.ts'

export interface SimOptions {
  jobs: number
  createMs: number
  /** Jobs start at random within this long of each other (runners do not start in step). */
  startSpreadMs: number
  /** Each request's round trip, drawn uniformly in [min, max]; the API acts halfway. */
  latencyMs: [number, number]
  seed: number
}

export const SIM_DEFAULTS: Omit<SimOptions, 'jobs'> = {
  createMs: 5_000,
  startSpreadMs: 1_000,
  latencyMs: [40, 120],
  seed: 20_261_202
}

/** A way of running the jobs, to compare: the retry context each job runs with, and what it is told. */
export interface Variant {
  name: string
  rule: string
  context: (base: RetryContext) => RetryContext
  /**
   * Whether throttling answers carry the API's message. Without it the action falls back to its
   * backoff from before it read the message: the code as it was, for the "before" figures.
   */
  readableAnswers: boolean
  /** Whether each job takes its CreateImage turn from its place in the matrix (create-slot). */
  turns?: boolean
}

export interface SimResult {
  jobs: number
  succeeded: number
  duplicates: number
  calls: number
  callsByAction: Record<string, number>
  throttled: number
  throttledByAction: Record<string, number>
  /** Time to finish of each job, from the moment the matrix started, sorted. */
  finishMs: number[]
  p50Ms: number
  p95Ms: number
}

interface Record_ {
  id: string
  name: string
  madeAt: number
}

const ACCOUNT = '100000000001'

function apiError(code: string, message: string, requestId: string): Error {
  return Object.assign(new Error(message), { code, requestId })
}

/** The emulator's answers to the three calls the create path makes, on the event clock. */
function modelApi(
  clock: EventClock,
  random: Random,
  options: SimOptions,
  limiter: RateLimiter,
  images: Map<string, Record_>,
  tally: { action: string; throttled: boolean }[],
  readable: boolean
): ApiClient {
  let ids = 0
  const [low, high] = options.latencyMs
  return {
    call: async <T>(action: string, params: object): Promise<T> => {
      const trip = low + (high - low) * random()
      await clock.sleep(trip / 2)
      const requestId = `sim-${tally.length}`
      const p = params as Record<string, unknown>
      try {
        const error = admit(limiter, action, clock.now())
        tally.push({ action, throttled: error !== undefined })
        if (error) throw apiError(error.code, readable ? error.message : 'throttled', requestId)
        return answer(action, p, requestId) as T
      } finally {
        await clock.sleep(trip / 2)
      }
    }
  }

  function answer(action: string, p: Record<string, unknown>, requestId: string): unknown {
    if (action === 'CreateImage') {
      const name = String(p.ImageName)
      if ([...images.values()].some(image => image.name === name)) {
        throw apiError('InvalidImageName.Duplicate', `The image name ${name} is in use.`, requestId)
      }
      const id = `img-${(ids++).toString(36).padStart(8, '0')}`
      images.set(id, { id, name, madeAt: clock.now() })
      return { ImageId: id, RequestId: requestId }
    }
    if (action === 'DescribeImages') {
      const wanted = p.ImageIds as string[] | undefined
      const filters = (p.Filters as { Name: string; Values: string[] }[] | undefined) ?? []
      const name = filters.find(f => f.Name === 'image-name')?.Values[0]
      const set = [...images.values()]
        .filter(image => (wanted ? wanted.includes(image.id) : image.name === name))
        .map(image => describe(image))
      return { ImageSet: set, TotalCount: set.length, RequestId: requestId }
    }
    throw apiError('InvalidAction', `The action \`${action}\` is not modelled.`, requestId)
  }

  function describe(image: Record_): Image {
    const ready = clock.now() - image.madeAt >= options.createMs
    return {
      ImageId: image.id,
      ImageName: image.name,
      ImageState: ready ? 'NORMAL' : 'CREATING',
      CreatedTime: new Date(image.madeAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      Tags: []
    }
  }
}

function admit(
  limiter: RateLimiter,
  action: string,
  now: number
): { code: string; message: string } | undefined {
  try {
    limiter.admit(ACCOUNT, action, now)
    return undefined
  } catch (error) {
    const refused = error as ReturnType<typeof requestLimitExceeded>
    return { code: refused.code, message: refused.message }
  }
}

/** One matrix: every job looks its name up, claims it, sends CreateImage and waits. */
export async function simulateMatrix(options: SimOptions, variant: Variant): Promise<SimResult> {
  const random = seededRandom(options.seed + options.jobs)
  // The matrix starts at a random moment of the wall clock, so of the turns' cycle too.
  const clock = new EventClock(1_800_000_000_000 + Math.floor(random() * 3_600_000))
  const limiter = new RateLimiter(undefined)
  const images = new Map<string, Record_>()
  const tally: { action: string; throttled: boolean }[] = []
  const api = modelApi(clock, random, options, limiter, images, tally, variant.readableAnswers)
  const start = clock.now()
  const schedule = defaultSchedule(DEFAULT_POLL_INTERVAL_SECONDS * 1000)
  const quiet = (): void => undefined

  const job = async (index: number): Promise<number | undefined> => {
    await clock.sleep(options.startSpreadMs * random())
    const spec: ImageSpec = {
      name: `sim-${index}`,
      instanceId: 'ins-sim',
      snapshotIds: [],
      dataDiskIds: [],
      forcePoweroff: false,
      sysprep: false,
      dryRun: false,
      tags: []
    }
    const ctx = variant.context({ clock, random, deadline: clock.now() + 600_000 })
    try {
      // As src/main/run.ts: hold back until the turn's look-up, then send in the turn.
      const turn = variant.turns ? CreateTurn.plan(clock, { index, jobs: options.jobs }) : undefined
      await turn?.beforeLookUp()
      const existing = await handleExisting(api, spec, 'fail', { ...ctx, log: quiet, pollMs: 0 })
      const claim = newClaim(spec.name, clock.now(), existing.found, spec.tags)
      const watch = { sending: quiet, settled: quiet }
      await turn?.beforeSend()
      const created = await createImage(api, spec, claim, { ...ctx, log: quiet, watch })
      if (created.kind === 'dry-run') return undefined
      const since = clock.now()
      await waitForImage(api, created.imageId, { ...ctx, schedule, since, log: quiet, warn: quiet })
      return clock.now() - start
    } catch {
      return undefined
    }
  }

  const finished = await clock.run(
    Promise.all(Array.from({ length: options.jobs }, (_, i) => job(i)))
  )
  const finishMs = finished.filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b)
  const perName = new Map<string, number>()
  for (const image of images.values()) perName.set(image.name, (perName.get(image.name) ?? 0) + 1)
  const count = (rows: typeof tally): Record<string, number> => {
    const by: Record<string, number> = {}
    for (const row of rows) by[row.action] = (by[row.action] ?? 0) + 1
    return by
  }
  const throttled = tally.filter(row => row.throttled)
  return {
    jobs: options.jobs,
    succeeded: finishMs.length,
    duplicates: [...perName.values()].reduce((sum, n) => sum + n - 1, 0),
    calls: tally.length,
    callsByAction: count(tally),
    throttled: throttled.length,
    throttledByAction: count(throttled),
    finishMs,
    p50Ms: percentile(finishMs, 50),
    p95Ms: percentile(finishMs, 95)
  }
}

/**
 * What the rate limits alone impose on the job at p95: its CreateImage can be let in no sooner
 * than the limit allows the ones before it, and then it needs what one job alone needs.
 */
export function p95Bound(jobs: number, createPerSecond: number, aloneMs: number): number {
  const rank = Math.ceil(0.95 * jobs)
  return Math.floor((rank - 1) / createPerSecond) * 1000 + aloneMs
}

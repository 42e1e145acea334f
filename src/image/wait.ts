// Stage: poll DescribeImages until the image is NORMAL, has failed, or time is up.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from './cvm-client.ts'
import { ActionFailure } from './errors.ts'
import { describeImage } from './lookup.ts'
import type { RetryContext } from './retry.ts'
import { pollDelay, type PollSchedule } from './schedule.ts'

export const READY_STATE = 'NORMAL'
export const FAILED_STATES = new Set(['CREATEFAILED', 'IMPORTFAILED'])
/** What the action reports before DescribeImages lists a brand-new image. */
export const NOT_LISTED = 'NOT_LISTED'

/** Updated as the wait goes, so whoever stops it (cancellation) can say where it was. */
export interface WaitProgress {
  state: string
  image?: Image
  polls: number
}

export interface WaitContext extends RetryContext {
  schedule: PollSchedule
  /** Epoch ms the elapsed times are counted from. */
  since: number
  log: (message: string) => void
  progress?: WaitProgress
}

export interface WaitResult {
  image: Image
  polls: number
  elapsedMs: number
}

export async function waitForImage(
  api: ApiClient,
  imageId: string,
  ctx: WaitContext
): Promise<WaitResult> {
  const progress: WaitProgress = ctx.progress ?? { state: NOT_LISTED, polls: 0 }
  const elapsed = (): number => ctx.clock.now() - ctx.since
  for (let index = 0; ; index++) {
    const pause = pollDelay(ctx.schedule, index, ctx.random)
    const remaining = ctx.deadline - ctx.clock.now()
    if (remaining <= 0) throw timeout(imageId, progress.state, elapsed())
    // The last pause is cut short so one poll still lands on the deadline.
    await ctx.clock.sleep(Math.min(pause, remaining), ctx.signal)

    const image = await describeImage(api, imageId, ctx)
    progress.polls++
    const state = image?.ImageState ?? NOT_LISTED
    if (image) progress.image = image
    if (state !== progress.state) {
      ctx.log(`${imageId} is ${describeState(state, image)} after ${formatDuration(elapsed())}`)
      progress.state = state
    } else if (state === 'SYNCING' && image?.SyncPercent !== undefined) {
      ctx.log(`${imageId} is SYNCING (${image.SyncPercent}%) after ${formatDuration(elapsed())}`)
    }
    if (image && state === READY_STATE) {
      return { image, polls: progress.polls, elapsedMs: elapsed() }
    }
    if (FAILED_STATES.has(state)) {
      throw new ActionFailure(
        `Image ${state}`,
        `Image ${imageId} (${image?.ImageName ?? 'unnamed'}) ended in ${state} after ${formatDuration(elapsed())}. Tencent Cloud could not make it: check the instance's disks and state in the console, delete the failed image, and run again.`
      )
    }
  }
}

function timeout(imageId: string, state: string, elapsedMs: number): ActionFailure {
  return new ActionFailure(
    'Timed out waiting for the image',
    `Image ${imageId} was still ${state} after ${formatDuration(elapsedMs)}, when wait-timeout-seconds ran out. The image may still become NORMAL: check it in the console, or raise wait-timeout-seconds (large disks take tens of minutes).`
  )
}

function describeState(state: string, image: Image | undefined): string {
  if (state === NOT_LISTED) return 'not listed yet'
  if (state === 'SYNCING' && image?.SyncPercent !== undefined) {
    return `SYNCING (${image.SyncPercent}%)`
  }
  return state
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 100) / 10)
  if (seconds < 60) return `${seconds}s`
  const whole = Math.round(seconds)
  const m = Math.floor(whole / 60)
  const s = whole % 60
  return s === 0 ? `${m}m` : `${m}m ${s}s`
}

// Stage: poll DescribeImages until the image is ready, has failed, is gone, or time is up.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { ActionFailure } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import type { ApiClient } from '../tencent/client.ts'
import { ApiCallError } from '../tencent/errors.ts'
import type { RetryContext } from '../tencent/retry.ts'
import { describeImage } from './lookup.ts'
import { pollDelay, type PollSchedule } from './schedule.ts'
import { progressPause, type ProgressSample } from './sync-progress.ts'
import { IMAGE_STATE, NOT_LISTED, phaseOf } from './states.ts'

/**
 * An image that was listed and then is not has been deleted (by someone else: this run deletes
 * nothing it waits for). A brand-new one may be missing from a poll or two, so absence counts as
 * gone only after this many polls in a row.
 */
export const GONE_AFTER_POLLS = 3

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
  warn: (message: string) => void
  progress?: WaitProgress
  /** The image was already seen in a listing (an image reused by if-exists). */
  listed?: boolean
  /** After each poll, once `progress` holds what it found: progress lines count and report it. */
  onPoll?: () => void
  /** A copy on its way: pause by how fast its SyncPercent rises (sync-progress.ts). */
  bySyncPercent?: boolean
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
  const warned = new Set<string>()
  let listed = ctx.listed ?? false
  let missing = 0
  const samples: ProgressSample[] = []
  for (let index = 0; ; index++) {
    const scheduled = pollDelay(ctx.schedule, index, ctx.random)
    const pause = ctx.bySyncPercent ? progressPause(samples, ctx.clock.now(), scheduled) : scheduled
    const remaining = ctx.deadline - ctx.clock.now()
    if (remaining <= 0) throw timeout(imageId, progress.state, elapsed())
    // The last pause is cut short so one poll still lands on the deadline.
    await ctx.clock.sleep(Math.min(pause, remaining), ctx.signal)

    let image: Image | undefined
    try {
      image = await describeImage(api, imageId, ctx)
    } catch (error) {
      // The last poll lands on the deadline: an answer that does not come in time is the timeout.
      if (error instanceof ApiCallError && error.detail.kind === 'deadline') {
        throw timeout(imageId, progress.state, elapsed())
      }
      throw error
    }
    progress.polls++
    if (!image) {
      missing++
      if (listed && missing >= GONE_AFTER_POLLS) throw gone(imageId, progress, elapsed())
      if (!listed && progress.state !== NOT_LISTED) {
        ctx.log(`${imageId} is not listed yet after ${formatDuration(elapsed())}`)
        progress.state = NOT_LISTED
      }
      ctx.onPoll?.()
      continue
    }
    listed = true
    missing = 0
    progress.image = image
    const state = image.ImageState ?? ''
    if (state === IMAGE_STATE.syncing && typeof image.SyncPercent === 'number') {
      samples.push({ at: ctx.clock.now(), percent: image.SyncPercent })
    }
    // Only changes here: the percentage of a copy on its way comes with the progress lines.
    if (state !== progress.state) {
      ctx.log(`${imageId} is ${describeState(image)} after ${formatDuration(elapsed())}`)
      progress.state = state
    }
    ctx.onPoll?.()
    const phase = phaseOf(state)
    if (phase === 'ready') return { image, polls: progress.polls, elapsedMs: elapsed() }
    if (phase === 'failed') {
      throw new ActionFailure(
        `Image ${state}`,
        `Image ${imageId} (${image.ImageName ?? 'unnamed'}) ended in ${state} after ${formatDuration(elapsed())}. Tencent Cloud could not make it: check the instance's disks and state in the console, delete the failed image, and run again.`
      )
    }
    if (phase === 'unknown' && !warned.has(state)) {
      warned.add(state)
      ctx.warn(
        `${imageId} is in state '${state}', which this action does not know. It goes on waiting for NORMAL until wait-timeout-seconds; tell the action's maintainers what the state means.`
      )
    }
  }
}

function timeout(imageId: string, state: string, elapsedMs: number): ActionFailure {
  return new ActionFailure(
    'Timed out waiting for the image',
    `Image ${imageId} was still ${state === NOT_LISTED ? 'not listed' : state} after ${formatDuration(elapsedMs)}, when wait-timeout-seconds ran out. The image may still become NORMAL: check it in the console, or raise wait-timeout-seconds (large disks take tens of minutes).`
  )
}

function gone(imageId: string, progress: WaitProgress, elapsedMs: number): ActionFailure {
  const last = progress.image?.ImageState ?? progress.state
  return new ActionFailure(
    'Image is gone',
    `Image ${imageId} was ${last} and is no longer listed after ${formatDuration(elapsedMs)}: it was deleted while this step waited for it (in the console, by another workflow or by the cleanup action). Nothing is left to wait for; run again to make a new image.`
  )
}

function describeState(image: Image): string {
  const state = image.ImageState ?? ''
  if (state === IMAGE_STATE.syncing && image.SyncPercent !== undefined) {
    return `${state} (${image.SyncPercent}%)`
  }
  return state
}

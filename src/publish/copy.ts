// Stage: copy the ready source image to other regions with one SyncImages, then wait for every
// copy in its own region, all at once, within the step's one deadline.
import type {
  Image,
  SyncImagesResponse
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { deleteWhenIdle } from '../image/delete.ts'
import type { IfExists } from '../image/if-exists.ts'
import { findImagesByExactName } from '../image/lookup.ts'
import { findOurs, newClaim, type Claim } from '../image/ownership.ts'
import type { PollSchedule } from '../image/schedule.ts'
import { IMAGE_STATE, isFailed, isReady } from '../image/states.ts'
import { waitForImage, type WaitProgress } from '../image/wait.ts'
import { CancelledError } from '../runner/clock.ts'
import { ActionFailure } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import { ApiCallError, answerMayBeLost, classify } from '../tencent/errors.ts'
import type { ClientFor } from '../tencent/regional-clients.ts'
import { callOptions, withRetry, type RetryContext } from '../tencent/retry.ts'
import type { CopyRecord, Published } from './published.ts'

export interface CopySource {
  region: string
  imageId: string
  /** Copies keep the source's name, which is how a copy is found again after a lost answer. */
  name: string
}

/** What a copy in one region may be, before SyncImages names it. */
export interface RegionClaim {
  region: string
  claim: Claim
}

/**
 * Told about SyncImages, so that a run that ends at any moment has handed on the copies it made or
 * may have made. The run record implements it.
 */
export interface CopyWatch {
  /** Just before SyncImages leaves: copies may exist in these regions from now on. */
  sending(claims: RegionClaim[]): void
  /** A definite answer came and no earlier answer was lost. */
  settled(): void
  /** Some copies have ids now (in `published`). */
  known(): void
}

export interface CopyContext extends RetryContext {
  schedule: PollSchedule
  log: (message: string) => void
  warn: (message: string) => void
  watch: CopyWatch
  /**
   * What to do with a copy an earlier run left in a destination region (a re-run, or a replaced
   * source whose copies outlived it), as for the source image. 'fail' leaves it to SyncImages.
   */
  ifExists: IfExists
  /** Pause between looks at an earlier copy that must stop SYNCING before it can be replaced. */
  pollMs: number
  /** After each poll of a copy, with what it found: the progress lines report every region. */
  onCopyPoll?: (region: string, progress: WaitProgress) => void
}

/** Copies to every region of `published.copies`, recording ids and states there as it goes. */
export async function copyToRegions(
  source: CopySource,
  clientFor: ClientFor,
  published: Published,
  ctx: CopyContext
): Promise<void> {
  const regions = published.copies.map(copy => copy.region)
  try {
    const before = await handleEarlierCopies(source, published.copies, clientFor, ctx)
    await startCopies(source, published.copies, clientFor, before, ctx)
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error
    // Only a lookup after a lost answer can fail with some copies already found.
    const found = published.copies.filter(copy => copy.imageId).map(copy => copy.region)
    const outcome = found.length
      ? `only the copies in ${found.join(', ')} are known and nothing was shared`
      : 'so nothing was copied or shared'
    throw new ActionFailure(
      error.title,
      `Copying ${source.imageId} to ${regions.join(', ')} failed, ${outcome}. ${error.message}`
    )
  }

  const since = ctx.clock.now()
  const outcomes = await Promise.allSettled(
    published.copies.map(copy => waitForCopy(copy, clientFor(copy.region), since, ctx))
  )
  if (ctx.signal?.aborted || outcomes.some(o => o.status === 'rejected' && isCancel(o.reason))) {
    throw new CancelledError()
  }
  const failed = published.copies.filter(copy => copy.failure)
  if (failed.length > 0) throw copyFailure(source, published, failed)
  await waitForSourceAgain(source, clientFor, ctx)
}

/**
 * The source is busy while SyncImages copies it, and may still be once the copies are NORMAL:
 * sharing or deleting it then fails (InvalidParameterValue.InvalidImageState). Terraform waits
 * for it too.
 */
async function waitForSourceAgain(
  source: CopySource,
  clientFor: ClientFor,
  ctx: CopyContext
): Promise<void> {
  // It was NORMAL when SyncImages took it: the log then shows it going busy and coming back.
  const progress: WaitProgress = { state: IMAGE_STATE.normal, polls: 0 }
  await waitForImage(clientFor(source.region), source.imageId, {
    ...ctx,
    since: ctx.clock.now(),
    progress,
    listed: true,
    log: message => ctx.log(`${source.region} (source): ${message}`),
    warn: message => ctx.warn(`${source.region} (source): ${message}`)
  })
}

/**
 * A copy of the same name that an earlier run left in a destination region: reused as it is, or
 * deleted so SyncImages can copy again (it refuses a name the region already has). With 'fail'
 * it stays (SyncImages then refuses), but is noted: a lost SyncImages answer must never adopt it.
 * Returns, per region, the images that had the name before this run copied.
 */
async function handleEarlierCopies(
  source: CopySource,
  copies: CopyRecord[],
  clientFor: ClientFor,
  ctx: CopyContext
): Promise<Map<string, Image[]>> {
  const before = new Map<string, Image[]>()
  for (const copy of copies) {
    const api = clientFor(copy.region)
    let found: Image[]
    try {
      found = await findImagesByExactName(api, source.name, ctx)
    } catch (error) {
      // With 'fail' this look-up is only a safeguard: a region that refuses it (unknown, or
      // not allowed) is left to SyncImages and the polls, whose errors say more.
      if (ctx.ifExists === 'fail' && error instanceof ApiCallError) continue
      throw error
    }
    before.set(copy.region, found)
    const [earlier] = found
    if (!earlier?.ImageId || ctx.ifExists === 'fail') continue
    const id = earlier.ImageId
    const state = earlier.ImageState ?? 'unknown'
    if (ctx.ifExists === 'reuse') {
      if (isFailed(state)) {
        throw new ActionFailure(
          'Existing copy failed',
          `${copy.region}: image ${id} ('${source.name}') exists but is ${state}, so it cannot be reused. Delete it in that region, or set if-exists to replace.`
        )
      }
      Object.assign(copy, { imageId: id, state, reused: true })
      ctx.log(`${copy.region}: reusing ${id}, an earlier copy of '${source.name}' (${state}).`)
      continue
    }
    const deleted = await deleteWhenIdle(
      api,
      earlier,
      () => true,
      (busy, waitedMs) =>
        new ActionFailure(
          'Cannot replace a copy yet',
          `${copy.region}: image ${id} ('${source.name}') is still ${busy} after ${formatDuration(waitedMs)}, and Tencent Cloud refuses to delete an image until that ends. Run again later or raise wait-timeout-seconds.`
        ),
      { ...ctx, until: ctx.deadline }
    )
    if (deleted) {
      ctx.log(`${copy.region}: deleted ${id}, an earlier copy of '${source.name}', to copy again.`)
    }
  }
  return before
}

/** One SyncImages for every region; after a lost answer, copies it made are found by the claims. */
async function startCopies(
  source: CopySource,
  copies: CopyRecord[],
  clientFor: ClientFor,
  before: Map<string, Image[]>,
  ctx: CopyContext
): Promise<void> {
  const api = clientFor(source.region)
  const now = ctx.clock.now()
  // Copies' tags are not the request's to choose, so the claim rests on name, age and what was
  // there before. A region whose look-up failed has no claim: not knowing what was there, a
  // lost answer never adopts (nor hands on for deleting) an image there.
  const claims = new Map<string, Claim>()
  for (const copy of copies) {
    const found = before.get(copy.region)
    if (found) claims.set(copy.region, newClaim(source.name, now, found, []))
  }
  const pending = (): CopyRecord[] => copies.filter(copy => !copy.imageId)
  const findCopies = async (adopted: boolean): Promise<void> => {
    for (const copy of pending()) {
      const claim = claims.get(copy.region)
      if (!claim) continue
      const found = await findOurs(clientFor(copy.region), claim, ctx)
      if (!found?.ImageId) continue
      Object.assign(copy, {
        imageId: found.ImageId,
        state: found.ImageState ?? IMAGE_STATE.syncing
      })
      if (adopted) {
        copy.adopted = true
        ctx.log(
          `An earlier SyncImages reached Tencent Cloud although its answer was lost: adopting ${found.ImageId} in ${copy.region} instead of copying again.`
        )
      }
    }
    ctx.watch.known()
  }

  let answerLost = false
  await withRetry(
    'SyncImages',
    async () => {
      if (answerLost) await findCopies(true)
      const regions = pending().map(copy => copy.region)
      if (regions.length === 0) return
      ctx.watch.sending(
        regions.flatMap(region => {
          const claim = claims.get(region)
          return claim ? [{ region, claim }] : []
        })
      )
      try {
        const response = await api.call<SyncImagesResponse>(
          'SyncImages',
          { ImageIds: [source.imageId], DestinationRegions: regions, ImageSetRequired: true },
          callOptions(ctx)
        )
        for (const item of response.ImageSet ?? []) {
          const copy = copies.find(c => c.region === item.Region && !c.imageId)
          if (copy && item.ImageId) {
            Object.assign(copy, { imageId: item.ImageId, state: IMAGE_STATE.syncing })
          }
        }
        ctx.watch.known()
        if (!answerLost) ctx.watch.settled()
        ctx.log(
          `SyncImages started copies of ${source.imageId}: ${regions.map(r => `${r} ${copies.find(c => c.region === r)?.imageId ?? '(no id given)'}`).join(', ')}. RequestId ${response.RequestId || 'unknown'}.`
        )
      } catch (error) {
        // A resend after a lost answer can race the first request's copies into existence.
        if (answerLost && classify(error).code === 'InvalidImageName.Duplicate') {
          await findCopies(true)
          if (pending().length === 0) return
        }
        if (answerMayBeLost(error)) answerLost = true
        else if (classify(error).code !== undefined && !answerLost) ctx.watch.settled()
        throw error
      }
    },
    ctx
  )
  // The API gives the ids only when asked (ImageSetRequired); should one be missing, look it up.
  if (pending().length > 0) await findCopies(false)
  const missing = pending().map(copy => copy.region)
  if (missing.length > 0) {
    throw new ActionFailure(
      'SyncImages gave no copy',
      `SyncImages answered, but named no copy of ${source.imageId} in ${missing.join(', ')}, and no image named '${source.name}' was found there. Check those regions in the console.`
    )
  }
}

async function waitForCopy(
  copy: CopyRecord,
  api: ReturnType<ClientFor>,
  since: number,
  ctx: CopyContext
): Promise<void> {
  const imageId = copy.imageId!
  // A reused copy that is ready needs no poll.
  if (copy.reused && isReady(copy.state)) {
    copy.elapsedMs = 0
    return
  }
  const progress: WaitProgress = { state: copy.state, polls: 0 }
  try {
    await waitForImage(api, imageId, {
      ...ctx,
      since,
      progress,
      listed: copy.reused === true,
      bySyncPercent: true,
      onPoll: () => ctx.onCopyPoll?.(copy.region, progress),
      log: message => ctx.log(`${copy.region}: ${message}`),
      warn: message => ctx.warn(`${copy.region}: ${message}`)
    })
  } catch (error) {
    if (!isCancel(error)) copy.failure = describeCopyFailure(copy, progress, error, since, ctx)
    throw error
  } finally {
    copy.state = progress.state
    copy.syncPercent = progress.image?.SyncPercent
    copy.family = progress.image?.ImageFamily
    copy.elapsedMs = ctx.clock.now() - since
  }
}

function describeCopyFailure(
  copy: CopyRecord,
  progress: WaitProgress,
  error: unknown,
  since: number,
  ctx: CopyContext
): string {
  const after = formatDuration(ctx.clock.now() - since)
  if (isFailed(progress.state)) {
    return `${copy.region}: copy ${copy.imageId} ended in ${progress.state} after ${after}; delete it in that region and copy again.`
  }
  if (error instanceof ApiCallError) return `${copy.region}: ${error.message}`
  if (error instanceof ActionFailure && error.title === 'Image is gone') {
    return `${copy.region}: ${error.message}`
  }
  copy.timedOut = true
  const percent = progress.image?.SyncPercent
  const where = percent !== undefined ? `${progress.state} (${percent}%)` : progress.state
  return `${copy.region}: copy ${copy.imageId} was still ${where} after ${after}, when wait-timeout-seconds ran out; it may still become NORMAL (check it in that region), or raise wait-timeout-seconds.`
}

function copyFailure(
  source: CopySource,
  published: Published,
  failed: CopyRecord[]
): ActionFailure {
  const total = published.copies.length
  const ready = published.copies.filter(copy => !copy.failure)
  const timedOut = failed.every(copy => copy.timedOut)
  const readyText = ready.length
    ? ` Ready: ${ready.map(copy => `${copy.region} ${copy.imageId}`).join(', ')}.`
    : ''
  const shareText = published.accountIds.length ? ' Nothing was shared.' : ''
  return new ActionFailure(
    timedOut ? 'Timed out waiting for image copies' : 'Image copy failed',
    `Copying ${source.imageId} ('${source.name}') from ${source.region} failed in ${failed.length} of ${total} regions. ${failed.map(copy => copy.failure).join(' ')}${readyText} The images output lists every image made.${shareText}`
  )
}

function isCancel(error: unknown): boolean {
  return error instanceof CancelledError
}

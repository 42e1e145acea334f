// Deleting images: Tencent Cloud refuses to delete a shared image, so the sharing is cancelled
// first. Used by if-exists: replace, cleanup-on-failure and the cleanup action.
import type {
  DescribeImageSharePermissionResponse,
  Image
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { Clock } from '../runner/clock.ts'
import type { ApiClient } from '../tencent/client.ts'
import { ApiCallError, classify } from '../tencent/errors.ts'
import { request, type RetryContext } from '../tencent/retry.ts'
import { describeImage } from './lookup.ts'
import { isBusy, isReady } from './states.ts'

const MAX_ACCOUNTS_PER_CALL = 50

/** Cancels every share of an own image; returns the accounts it was shared with. */
export async function unshareImage(
  api: ApiClient,
  imageId: string,
  ctx: RetryContext
): Promise<string[]> {
  const answer = await request<DescribeImageSharePermissionResponse>(
    api,
    'DescribeImageSharePermission',
    { ImageId: imageId },
    ctx
  )
  const accounts = (answer.SharePermissionSet ?? [])
    .map(share => share.AccountId ?? '')
    .filter(account => account !== '')
  for (let i = 0; i < accounts.length; i += MAX_ACCOUNTS_PER_CALL) {
    const chunk = accounts.slice(i, i + MAX_ACCOUNTS_PER_CALL)
    await request(
      api,
      'ModifyImageSharePermission',
      { ImageId: imageId, AccountIds: chunk, Permission: 'CANCEL' },
      ctx
    )
  }
  return accounts
}

/**
 * One DeleteImages call. An image that is already gone counts as deleted: a retry after a lost
 * answer finds its own earlier deletion done.
 */
export async function deleteImages(
  api: ApiClient,
  imageIds: string[],
  deleteSnapshots: boolean,
  ctx: RetryContext
): Promise<void> {
  try {
    await request(
      api,
      'DeleteImages',
      { ImageIds: imageIds, DeleteBindedSnap: deleteSnapshots },
      ctx
    )
  } catch (error) {
    if (imageIds.length === 1 && isNotFound(error)) return
    throw error
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiCallError && classify(error).code === 'InvalidImageId.NotFound'
}

export interface IdleContext extends RetryContext {
  clock: Clock
  /** Pause between two looks at the image. */
  pollMs: number
  /** Epoch ms after which the wait gives up. */
  until: number
  log: (message: string) => void
}

/** A brand-new image may not be listed for a moment; after this long unlisted means gone. */
const NOT_LISTED_GRACE_MS = 15_000

/**
 * Waits until the image is in a state that allows deleting it. Returns the image as last seen
 * (undefined once it is gone); it is still busy when `until` came first.
 */
export async function waitUntilIdle(
  api: ApiClient,
  imageId: string,
  ctx: IdleContext
): Promise<Image | undefined> {
  const start = ctx.clock.now()
  let said = ''
  for (;;) {
    const image = await describeImage(api, imageId, ctx)
    const now = ctx.clock.now()
    const waiting = image ? isBusy(image.ImageState) : now - start < NOT_LISTED_GRACE_MS
    if (!waiting || now >= ctx.until) return image
    const state = image?.ImageState ?? 'not listed yet'
    if (said !== state) {
      ctx.log(`${imageId} is ${state}; it can be deleted once that ends. Waiting.`)
      said = state
    }
    await ctx.clock.sleep(Math.min(ctx.pollMs, ctx.until - now), ctx.signal)
  }
}

/** Unshares (when ready: only a ready image can be shared) and deletes one image. */
export async function unshareAndDelete(
  api: ApiClient,
  image: Image,
  deleteSnapshots: boolean,
  ctx: RetryContext & { log: (message: string) => void }
): Promise<void> {
  const imageId = image.ImageId ?? ''
  if (isReady(image.ImageState)) {
    const accounts = await unshareImage(api, imageId, ctx)
    if (accounts.length > 0) {
      ctx.log(`Cancelled the sharing of ${imageId} with ${accounts.length} account(s).`)
    }
  }
  await deleteImages(api, [imageId], deleteSnapshots, ctx)
}

/**
 * if-exists: replace. Waits while the image is busy (within `ctx.until`), then unshares and
 * deletes it. Returns whether it deleted anything (the image may have gone meanwhile); throws
 * what `stillBusy` makes of a state that outlasted the wait, having deleted nothing.
 */
export async function deleteWhenIdle(
  api: ApiClient,
  image: Image,
  deleteSnapshots: (idle: Image) => boolean,
  stillBusy: (state: string, waitedMs: number) => Error,
  ctx: IdleContext
): Promise<boolean> {
  const since = ctx.clock.now()
  const idle = isBusy(image.ImageState) ? await waitUntilIdle(api, image.ImageId ?? '', ctx) : image
  if (!idle) return false
  if (isBusy(idle.ImageState)) {
    throw stillBusy(idle.ImageState ?? '', ctx.clock.now() - since)
  }
  await unshareAndDelete(api, idle, deleteSnapshots(idle), ctx)
  return true
}

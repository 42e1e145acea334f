// Stage: delete what the plan chose. Sharing is cancelled first (a shared image cannot be
// deleted); DeleteImages is all or nothing, so a refused batch is retried image by image to find
// which one was refused.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { CancelledError } from '../runner/clock.ts'
import { explain } from '../runner/failure.ts'
import type { ApiClient } from '../tencent/client.ts'
import { deleteImages, unshareImage } from '../image/delete.ts'
import { isReady } from '../image/states.ts'
import type { RetryContext } from '../tencent/retry.ts'

const BATCH = 100

export interface Removal {
  deleted: string[]
  failed: { imageId: string; error: string }[]
}

export interface RemoveContext extends RetryContext {
  log: (message: string) => void
}

export async function removeImages(
  api: ApiClient,
  images: Image[],
  deleteSnapshots: boolean,
  ctx: RemoveContext,
  /** Filled as it goes, so a cancelled run still reports what it deleted. */
  removal: Removal = { deleted: [], failed: [] }
): Promise<Removal> {
  const ready: string[] = []
  for (const image of images) {
    const id = image.ImageId ?? ''
    try {
      if (isReady(image.ImageState)) {
        const accounts = await unshareImage(api, id, ctx)
        if (accounts.length > 0) {
          ctx.log(`Cancelled the sharing of ${id} with ${accounts.length} account(s).`)
        }
      }
      ready.push(id)
    } catch (error) {
      if (error instanceof CancelledError) throw error
      removal.failed.push({ imageId: id, error: message(error) })
    }
  }
  for (let i = 0; i < ready.length; i += BATCH) {
    const batch = ready.slice(i, i + BATCH)
    try {
      await deleteImages(api, batch, deleteSnapshots, ctx)
      removal.deleted.push(...batch)
      ctx.log(`Deleted ${batch.join(', ')}.`)
      continue
    } catch (error) {
      if (error instanceof CancelledError) throw error
      if (batch.length === 1) {
        removal.failed.push({ imageId: batch[0]!, error: message(error) })
        continue
      }
    }
    for (const id of batch) {
      try {
        await deleteImages(api, [id], deleteSnapshots, ctx)
        removal.deleted.push(id)
        ctx.log(`Deleted ${id}.`)
      } catch (error) {
        if (error instanceof CancelledError) throw error
        removal.failed.push({ imageId: id, error: message(error) })
      }
    }
  }
  return removal
}

function message(error: unknown): string {
  return explain(error).message
}

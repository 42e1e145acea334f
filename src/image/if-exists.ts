// Stage before create: an own image that already has the name (if-exists). 'fail' leaves it to
// CreateImage, which refuses the name; 'reuse' adopts the image; 'replace' deletes it first.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from './cvm-client.ts'
import { isBusy, unshareAndDelete, waitUntilIdle } from './delete.ts'
import { ActionFailure } from './errors.ts'
import type { ImageSpec } from './inputs.ts'
import type { IfExists } from './lifecycle-inputs.ts'
import { createdAt, findImagesByExactName } from './lookup.ts'
import type { RetryContext } from './retry.ts'
import { PROVENANCE_KEYS, tagValue } from './provenance.ts'
import { FAILED_STATES, formatDuration } from './wait.ts'

export type ExistingOutcome =
  /** Nothing in the way: create the image. */
  | { kind: 'none' }
  /** Adopt this image instead of creating one. */
  | { kind: 'reuse'; image: Image }
  /** The old image was deleted: create the image. */
  | { kind: 'replaced'; imageId: string }
  /** A dry run found the name taken and says what it would do; nothing more is sent. */
  | { kind: 'dry-run'; message: string }

/** What stands in for CreateImage's outcome when no image is created. */
export type SkippedCreate =
  { kind: 'reused'; imageId: string; requestId: string } | { kind: 'dry-run'; requestId: string }

export function skipCreate(existing: ExistingOutcome): SkippedCreate | undefined {
  if (existing.kind === 'reuse') {
    return { kind: 'reused', imageId: existing.image.ImageId ?? '', requestId: '' }
  }
  if (existing.kind === 'dry-run') return { kind: 'dry-run', requestId: '' }
  return undefined
}

export interface ExistingContext extends RetryContext {
  log: (message: string) => void
  /** Pause between looks at an image that is still CREATING or SYNCING. */
  pollMs: number
  /** This run's repository (GITHUB_REPOSITORY), to know images this action made here. */
  repository?: string
}

export async function handleExisting(
  api: ApiClient,
  spec: ImageSpec,
  ifExists: IfExists,
  ctx: ExistingContext
): Promise<ExistingOutcome> {
  // With 'fail' CreateImage itself refuses a taken name, with advice: no lookup needed.
  if (ifExists === 'fail') return { kind: 'none' }
  const found = await findImagesByExactName(api, spec.name, ctx)
  if (found.length === 0) {
    ctx.log(`No image is named '${spec.name}' yet: creating it.`)
    return { kind: 'none' }
  }
  // Names are unique per region, so there is one; the newest wins should the API ever list two.
  const image = [...found].sort((a, b) => (createdAt(b) ?? 0) - (createdAt(a) ?? 0))[0]!
  const id = image.ImageId ?? ''
  const state = image.ImageState ?? 'unknown'
  ctx.log(`Image ${id} is named '${spec.name}' already and is ${state} (if-exists: ${ifExists}).`)

  if (spec.dryRun) {
    const what = ifExists === 'reuse' ? 'reuse it' : 'delete it and create a new one'
    return { kind: 'dry-run', message: `Dry run: would ${what}; nothing was changed.` }
  }
  if (ifExists === 'reuse') {
    if (FAILED_STATES.has(state)) {
      throw new ActionFailure(
        'Existing image failed',
        `Image ${id} ('${spec.name}') exists but is ${state}, so it cannot be reused. Delete it (for example with the cleanup action), or set if-exists to replace to delete it and make a new one.`
      )
    }
    return { kind: 'reuse', image }
  }

  const since = ctx.clock.now()
  const idle = isBusy(image) ? await waitUntilIdle(api, id, { ...ctx, until: ctx.deadline }) : image
  if (idle && isBusy(idle)) {
    throw new ActionFailure(
      'Cannot replace the image yet',
      `Image ${id} ('${spec.name}') is still ${idle.ImageState} after ${formatDuration(ctx.clock.now() - since)}, and Tencent Cloud refuses to delete an image until that ends. Nothing was deleted or created. Run again later, raise wait-timeout-seconds, or choose another image-name.`
    )
  }
  if (idle) {
    await unshareAndDelete(api, idle, snapshotsAreDisposable(idle, spec, ctx.repository), ctx)
    ctx.log(`Deleted image ${id} to replace it.`)
  }
  return { kind: 'replaced', imageId: id }
}

/**
 * Whether the old image's snapshots may go with it. An image made from snapshot-ids is bound to the
 * user's own snapshots, which must survive, and the API does not say how an image was made; so
 * they go only when this action made the old image in this repository (its provenance tag) and
 * makes the new one from an instance, as the old one most likely was.
 */
export function snapshotsAreDisposable(
  old: Image,
  spec: ImageSpec,
  repository: string | undefined
): boolean {
  if (spec.instanceId === undefined || !repository) return false
  const here = tagValue(repository)
  return (old.Tags ?? []).some(tag => tag.Key === PROVENANCE_KEYS.repository && tag.Value === here)
}

// Stage before create: the own images that already have the name. The same look-up serves two
// ends: if-exists ('fail' leaves a taken name to CreateImage, which refuses it; 'reuse' adopts the
// image; 'replace' deletes it first), and the claim, which must know what had the name before
// the first send.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { ActionFailure } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import type { ApiClient } from '../tencent/client.ts'
import type { RetryContext } from '../tencent/retry.ts'
import { deleteWhenIdle } from './delete.ts'
import { createdAt, findImagesByExactName } from './lookup.ts'
import { PROVENANCE_KEYS, tagValue } from './provenance.ts'
import type { ImageSpec } from './spec.ts'
import { isFailed } from './states.ts'

export const IF_EXISTS = ['fail', 'reuse', 'replace'] as const
export type IfExists = (typeof IF_EXISTS)[number]

export type ExistingOutcome =
  /** Nothing in the way (or, with 'fail', left to CreateImage): create the image. */
  | { kind: 'none' }
  /** Adopt this image instead of creating one. */
  | { kind: 'reuse'; image: Image }
  /** The old image was deleted: create the image. */
  | { kind: 'replaced'; imageId: string }
  /** A dry run found the name taken and says what it would do; nothing more is sent. */
  | { kind: 'dry-run'; message: string }

export interface Existing {
  outcome: ExistingOutcome
  /** Every own image that had the name when the run looked. */
  found: Image[]
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
): Promise<Existing> {
  // A dry run sends nothing that could make an image, and with 'fail' CreateImage's own dry run
  // says whether the name is free.
  if (ifExists === 'fail' && spec.dryRun) return { outcome: { kind: 'none' }, found: [] }
  const found = await findImagesByExactName(api, spec.name, ctx)
  if (found.length === 0) {
    if (ifExists !== 'fail') ctx.log(`No image is named '${spec.name}' yet: creating it.`)
    return { outcome: { kind: 'none' }, found }
  }
  if (ifExists === 'fail') return { outcome: { kind: 'none' }, found }
  // Names are unique per region, so there is one; the newest wins should the API ever list two.
  const image = [...found].sort((a, b) => (createdAt(b) ?? 0) - (createdAt(a) ?? 0))[0]!
  const id = image.ImageId ?? ''
  const state = image.ImageState ?? 'unknown'
  ctx.log(`Image ${id} is named '${spec.name}' already and is ${state} (if-exists: ${ifExists}).`)

  if (spec.dryRun) {
    const what = ifExists === 'reuse' ? 'reuse it' : 'delete it and create a new one'
    return {
      outcome: { kind: 'dry-run', message: `Dry run: would ${what}; nothing was changed.` },
      found
    }
  }
  if (ifExists === 'reuse') {
    if (isFailed(state)) {
      throw new ActionFailure(
        'Existing image failed',
        `Image ${id} ('${spec.name}') exists but is ${state}, so it cannot be reused. Delete it (for example with the cleanup action), or set if-exists to replace to delete it and make a new one.`
      )
    }
    return { outcome: { kind: 'reuse', image }, found }
  }

  const deleted = await deleteWhenIdle(
    api,
    image,
    idle => snapshotsAreDisposable(idle, spec, ctx.repository),
    (busy, waitedMs) =>
      new ActionFailure(
        'Cannot replace the image yet',
        `Image ${id} ('${spec.name}') is still ${busy} after ${formatDuration(waitedMs)}, and Tencent Cloud refuses to delete an image until that ends. Nothing was deleted or created. Run again later, raise wait-timeout-seconds, or choose another image-name.`
      ),
    { ...ctx, until: ctx.deadline }
  )
  if (deleted) ctx.log(`Deleted image ${id} to replace it.`)
  return { outcome: { kind: 'replaced', imageId: id }, found }
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

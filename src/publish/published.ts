// What the copy and share stages made, region by region. Filled in as they go, so a failure or a
// cancellation can still report (and a later cleanup can still find) every image this run made.

/** A destination's state before SyncImages answers for it. */
export const NOT_COPIED = 'NOT_COPIED'

export interface CopyRecord {
  region: string
  /** Known once SyncImages answers (or the copy is found again after a lost answer). */
  imageId?: string
  state: string
  syncPercent?: number
  /** From the SyncImages answer to the copy's last known state. */
  elapsedMs?: number
  /** Found by name after a SyncImages answer was lost, instead of copied a second time. */
  adopted?: boolean
  /** An earlier run's copy, taken as it is (if-exists: reuse): not made, so never cleaned up. */
  reused?: boolean
  /** Why this region failed, in words that name it. */
  failure?: string
  /** The failure is wait-timeout-seconds running out while the copy was still on its way. */
  timedOut?: boolean
  /** Its image family as last seen; SyncImages does not carry the source's over. */
  family?: string
  /** This run gave it the source's tags (TagResources answered for it). */
  tagged?: boolean
}

export interface ShareRecord {
  region: string
  imageId: string
  accountIds: string[]
}

export interface Published {
  sourceRegion: string
  /** From the start of the step to the source image being NORMAL. */
  sourceElapsedMs?: number
  /** One per destination region, in the order of copy-to-regions, from the start of the run. */
  copies: CopyRecord[]
  /** The accounts share-with-accounts asked for. */
  accountIds: string[]
  /** What was shared, image by image. */
  shares: ShareRecord[]
  /** Accounts the API refused, with its reason. */
  failedAccounts: { accountId: string; reason: string }[]
  /** What the source carries and its copies are given: set when the copies are tagged. */
  labels?: { tags: number; family: string }
}

export function newPublished(
  sourceRegion: string,
  regions: string[],
  accountIds: string[]
): Published {
  return {
    sourceRegion,
    copies: regions.map(region => ({ region, state: NOT_COPIED })),
    accountIds,
    shares: [],
    failedAccounts: []
  }
}

/**
 * The `images` output: region -> image id for the source and every copy this run made, ready or
 * not, so a failed run still says what exists. Empty when there is no image (a dry run).
 */
export function imagesOutput(
  published: Published,
  sourceImageId: string | undefined
): Record<string, string> {
  const images: Record<string, string> = {}
  if (sourceImageId) images[published.sourceRegion] = sourceImageId
  for (const copy of published.copies) if (copy.imageId) images[copy.region] = copy.imageId
  return images
}

/** Every copy there is in another region, made by this run or reused: what gets shared. */
export function knownCopies(published: Published): { region: string; imageId: string }[] {
  return published.copies.flatMap(copy =>
    copy.imageId ? [{ region: copy.region, imageId: copy.imageId }] : []
  )
}

/** Every image this run made in another region: what a cleanup step has to delete. */
export function madeCopies(published: Published): { region: string; imageId: string }[] {
  return knownCopies({ ...published, copies: published.copies.filter(copy => !copy.reused) })
}

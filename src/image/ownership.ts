// The one rule for "is this image ours?", for the source image and for its copies alike.
//
// A request whose answer was lost (a dropped connection, a timeout, a 5xx) may still have been
// carried out, and the only way to learn what it made is to look for it by name. Another run may
// hold or take the same name at the same time, so an image of that name is taken for this run's
// only when it passes every test of a claim written before the first send:
// - it was not among the images that had the name just before the first send;
// - it was created no earlier than 5 minutes before that send: the API refuses a signature more
//   than 5 minutes off its clock, so no request of ours can have made an older image;
// - it carries every tag the request asked for (provenance tags hold the run id and attempt, so
//   another run's image, or an earlier attempt's, never passes).
// Only a send whose answer was lost may lead to adopting (or, in the post step, deleting) an
// image: a definite answer, success or an error code, settles the send.
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from '../tencent/client.ts'
import type { RetryContext } from '../tencent/retry.ts'
import { createdAt, findImagesByExactName } from './lookup.ts'
import type { Tag } from './tags.ts'

/** The API's tolerance for a request's clock; see the rules above. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000

/** What a send may make: plain data, so the post step can be handed it. */
export interface Claim {
  name: string
  /** Epoch ms: no image this send made can be older. */
  notBefore: number
  /** Ids of the images that had the name before the first send. */
  preexisting: string[]
  /** Tags the request puts on the image; an image without all of them is not the request's. */
  tags: Tag[]
}

export function newClaim(name: string, now: number, preexisting: Image[], tags: Tag[]): Claim {
  return {
    name,
    notBefore: now - SIGNATURE_WINDOW_MS,
    preexisting: preexisting.map(image => image.ImageId ?? ''),
    tags: tags.map(tag => ({ ...tag }))
  }
}

export function isOurs(image: Image, claim: Claim): boolean {
  if (image.ImageName !== claim.name || !image.ImageId) return false
  if (claim.preexisting.includes(image.ImageId)) return false
  if ((createdAt(image) ?? claim.notBefore) < claim.notBefore) return false
  const tags = image.Tags ?? []
  return claim.tags.every(want =>
    tags.some(tag => tag.Key === want.Key && tag.Value === want.Value)
  )
}

/** The image the claim's send made, if the region lists one. */
export async function findOurs(
  api: ApiClient,
  claim: Claim,
  ctx: RetryContext
): Promise<Image | undefined> {
  const images = await findImagesByExactName(api, claim.name, ctx)
  return images.find(image => isOurs(image, claim))
}

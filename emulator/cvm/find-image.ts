// Looking up the image an action names, with the API's codes for bad, unknown and foreign ids.
import type { ActionContext } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { RESOURCE_ID_PATTERN } from '../ids.ts'
import type { ImageRecord } from '../types.ts'

/** An image of the request's region that the caller can see (own, shared with it, or public). */
export function findVisibleImage(context: ActionContext, imageId: string): ImageRecord {
  if (!RESOURCE_ID_PATTERN.image.test(imageId)) {
    throw new ApiError('InvalidImageId.Malformed', `The image id \`${imageId}\` is malformed.`)
  }
  const image = context.state.getImage(imageId)
  if (
    !image ||
    image.region !== context.region ||
    !context.state.isVisibleTo(image, context.accountId)
  ) {
    throw new ApiError(
      'InvalidImageId.NotFound',
      `The image \`${imageId}\` does not exist in ${context.region}.`
    )
  }
  return image
}

/** A custom image the caller owns; public and shared-with-me images are refused with `code`. */
export function findOwnImage(context: ActionContext, imageId: string, code: string): ImageRecord {
  const image = findVisibleImage(context, imageId)
  if (image.ownerAccountId !== context.accountId) {
    const what =
      image.ImageType === 'PUBLIC_IMAGE' ? 'a public image' : 'shared with you by another account'
    throw new ApiError(
      code,
      `The image \`${imageId}\` is ${what}; only your own custom images qualify.`
    )
  }
  return image
}

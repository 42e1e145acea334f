// Image families: ModifyImageAttribute puts an image in a family (and deprecates it or not), and
// DescribeImageFromFamily answers the image a family resolves to: its newest usable image.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError, missingParameter } from '../api-error.ts'
import { optionalBoolean, optionalString, rejectUnknownParameters } from '../params.ts'
import { toApiImage } from '../state.ts'
import { findOwnImage } from './find-image.ts'

const FAMILY = /^[A-Za-z][A-Za-z0-9-]{0,59}$/

export function modifyImageAttribute(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, [
    'ImageId',
    'ImageName',
    'ImageDescription',
    'ImageFamily',
    'ImageDeprecated'
  ])
  const imageId = optionalString(params, 'ImageId')
  if (!imageId) throw missingParameter('ImageId')
  const name = optionalString(params, 'ImageName')
  const description = optionalString(params, 'ImageDescription')
  const family = optionalString(params, 'ImageFamily')
  const deprecated = optionalBoolean(params, 'ImageDeprecated')
  const image = findOwnImage(context, imageId, 'UnauthorizedOperation.ImageNotBelongToAccount')
  if (family !== undefined && family !== '' && !FAMILY.test(family)) {
    throw new ApiError(
      'InvalidParameterValue.InvalidImageFamily',
      `The image family \`${family}\` is invalid: letters, digits and hyphens, starting with a letter, at most 60.`
    )
  }
  if (name !== undefined) image.ImageName = name
  if (description !== undefined) image.ImageDescription = description
  if (family !== undefined) image.ImageFamily = family
  if (deprecated !== undefined) image.ImageDeprecated = deprecated
  return {}
}

export function describeImageFromFamily(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['ImageFamily'])
  const family = optionalString(params, 'ImageFamily')
  if (!family) throw missingParameter('ImageFamily')
  const candidates = state
    .ownedImages(context.accountId, context.region)
    .filter(i => i.ImageFamily === family && !i.ImageDeprecated && i.ImageState === 'NORMAL')
    .sort((a, b) => b.CreatedTime.localeCompare(a.CreatedTime))
  const image = candidates[0]
  return image ? { Image: toApiImage(image, context.accountId) } : {}
}

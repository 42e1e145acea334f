// ModifyImageAttribute: name, description, family and deprecation of an own image.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import {
  optionalBoolean,
  optionalString,
  rejectUnknownParameters,
  requiredString
} from '../params.ts'
import { findOwnImage } from './find-image.ts'

const MAX_NAME_LENGTH = 60
const MAX_DESCRIPTION_LENGTH = 256
const FAMILY_PATTERN = /^[\w.-]{1,60}$/

export function modifyImageAttribute(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, [
    'ImageId',
    'ImageName',
    'ImageDescription',
    'ImageFamily',
    'ImageDeprecated'
  ])
  const image = findOwnImage(
    context,
    requiredString(params, 'ImageId'),
    // The API's list for this call does not settle the code for someone else's image; this is
    // the one its sharing calls use.
    'UnauthorizedOperation.ImageNotBelongToAccount'
  )
  const name = optionalString(params, 'ImageName')
  const description = optionalString(params, 'ImageDescription')
  const family = optionalString(params, 'ImageFamily')
  const deprecated = optionalBoolean(params, 'ImageDeprecated')
  if (name !== undefined && (name.length === 0 || name.length > MAX_NAME_LENGTH)) {
    throw new ApiError('InvalidParameterValue.TooLarge', `ImageName must be 1 to 60 characters.`)
  }
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ApiError('InvalidParameterValue.TooLarge', 'ImageDescription is too long.')
  }
  if (family !== undefined && family !== '' && !FAMILY_PATTERN.test(family)) {
    throw new ApiError(
      'InvalidParameterValue.InvalidImageFamily',
      `The image family \`${family}\` is not valid.`
    )
  }
  if (
    name !== undefined &&
    name !== image.ImageName &&
    state.ownedImages(context.accountId, context.region).some(other => other.ImageName === name)
  ) {
    throw new ApiError('InvalidImageName.Duplicate', `An image named \`${name}\` exists already.`)
  }
  if (name !== undefined) image.ImageName = name
  if (description !== undefined) image.ImageDescription = description
  if (family !== undefined) image.ImageFamily = family
  if (deprecated !== undefined) image.ImageDeprecated = deprecated
  return {}
}

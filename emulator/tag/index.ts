// Tag 2018-08-13: TagResources, how tags reach resources whose own API cannot tag them (SyncImages'
// copies). Resources are named in the six-segment form qcs::cvm:<region>:uin/<uin>:image/<id>.
import type { ActionContext, ActionHandler, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { RESERVED_KEY_PREFIXES } from '../cvm/tags.ts'
import { optionalObjectArray, rejectUnknownParameters, requiredStringArray } from '../params.ts'

export const TAG_VERSION = '2018-08-13'

const MAX_PER_CALL = 10
const MAX_TAGS_PER_RESOURCE = 50
const RESOURCE_NAME = /^qcs::cvm:([a-z]+-[a-z]+(?:-[a-z]+)?(?:-\d+)?):uin\/(\d+):image\/(img-\w+)$/

export function tagResources(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['ResourceList', 'Tags'])
  const resources = requiredStringArray(params, 'ResourceList')
  const tags = (optionalObjectArray(params, 'Tags') ?? []).map(tag => {
    const { TagKey: key, TagValue: value } = tag
    if (typeof key !== 'string' || key.length === 0 || key.length > 127) {
      throw new ApiError('InvalidParameterValue.TagKeyLengthExceeded', 'TagKey must be 1 to 127.')
    }
    if (typeof value !== 'string' || value.length === 0) {
      throw new ApiError('InvalidParameterValue.TagValueEmpty', `The tag \`${key}\` has no value.`)
    }
    if (value.length > 255) {
      throw new ApiError('InvalidParameterValue.TagValueLengthExceeded', 'TagValue is too long.')
    }
    if (RESERVED_KEY_PREFIXES.some(prefix => key.toLowerCase().startsWith(prefix))) {
      throw new ApiError(
        'InvalidParameterValue.ReservedTagKey',
        `The tag key \`${key}\` is reserved.`
      )
    }
    return { Key: key, Value: value }
  })
  if (resources.length === 0 || tags.length === 0) {
    throw new ApiError('MissingParameter', 'ResourceList and Tags need at least one item.')
  }
  if (resources.length > MAX_PER_CALL) {
    throw new ApiError('LimitExceeded.ResourceNumPerRequest', `At most ${MAX_PER_CALL} resources.`)
  }
  if (tags.length > MAX_PER_CALL) {
    throw new ApiError('LimitExceeded.TagNumPerRequest', `At most ${MAX_PER_CALL} tags.`)
  }
  const images = resources.map(resource => {
    const match = RESOURCE_NAME.exec(resource)
    if (!match) {
      throw new ApiError(
        'InvalidParameterValue.ResourceDescriptionError',
        `The resource \`${resource}\` is not in the six-segment form.`
      )
    }
    const [, region, uin, imageId] = match
    const image = state.getImage(imageId!)
    if (uin !== context.accountId || !image || image.region !== region) {
      throw new ApiError(
        'InvalidParameterValue.ResourceDescriptionError',
        `The resource \`${resource}\` is not one of this account's.`
      )
    }
    if (image.ownerAccountId !== context.accountId) {
      throw new ApiError('UnauthorizedOperation', `The image \`${imageId}\` is not yours.`)
    }
    return image
  })
  for (const image of images) {
    const keys = new Set([...image.Tags.map(tag => tag.Key), ...tags.map(tag => tag.Key)])
    if (keys.size > MAX_TAGS_PER_RESOURCE) {
      throw new ApiError(
        'LimitExceeded.ResourceAttachedTags',
        `The image \`${image.ImageId}\` would carry more than ${MAX_TAGS_PER_RESOURCE} tags.`
      )
    }
  }
  // An existing key gets the new value.
  for (const image of images) {
    for (const tag of tags) {
      const existing = image.Tags.find(t => t.Key === tag.Key)
      if (existing) existing.Value = tag.Value
      else image.Tags.push({ ...tag })
    }
  }
  state.noteTagKeys(
    context.accountId,
    tags.map(tag => tag.Key)
  )
  return {}
}

export const TAG_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  TagResources: tagResources
}

// TagSpecification: [{ ResourceType: 'image', Tags: [{ Key, Value }] }] -> the image's Tags.
import { ApiError } from '../api-error.ts'
import { optionalObjectArray, wrongType, type Params } from '../params.ts'
import type { Tag } from '../types.ts'

const MAX_TAGS = 50
const MAX_KEY_LENGTH = 127
const MAX_VALUE_LENGTH = 255
export const RESERVED_KEY_PREFIXES = ['qcloud', 'tencent', 'project']

function invalidTag(detail: string): ApiError {
  return new ApiError('InvalidParameterValue', `TagSpecification is invalid: ${detail}.`)
}

export function readImageTags(params: Params): Tag[] {
  const specifications = optionalObjectArray(params, 'TagSpecification') ?? []
  const tags: Tag[] = []
  specifications.forEach((specification, index) => {
    const resourceType = specification.ResourceType
    if (resourceType !== 'image') {
      throw invalidTag(`TagSpecification.${index}.ResourceType must be "image"`)
    }
    const list = optionalObjectArray(specification, 'Tags')
    if (!list) throw invalidTag(`TagSpecification.${index}.Tags is required`)
    for (const tag of list) {
      const { Key: key, Value: value } = tag
      if (typeof key !== 'string') throw wrongType('Tags.Key', 'String', key)
      if (typeof value !== 'string') throw wrongType('Tags.Value', 'String', value)
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
        throw invalidTag(`tag key must be 1 to ${MAX_KEY_LENGTH} characters`)
      }
      if (value.length === 0) {
        throw new ApiError(
          'InvalidParameterValue.TagValueEmpty',
          `The tag \`${key}\` has no value.`
        )
      }
      if (value.length > MAX_VALUE_LENGTH) {
        throw invalidTag(`tag value must be at most ${MAX_VALUE_LENGTH} characters`)
      }
      if (RESERVED_KEY_PREFIXES.some(prefix => key.toLowerCase().startsWith(prefix))) {
        throw new ApiError('FailedOperation.TagKeyReserved', `The tag key \`${key}\` is reserved.`)
      }
      if (tags.some(existing => existing.Key === key)) throw invalidTag(`tag key ${key} repeats`)
      tags.push({ Key: key, Value: value })
    }
  })
  if (tags.length > MAX_TAGS) throw invalidTag(`at most ${MAX_TAGS} tags are allowed`)
  return tags
}

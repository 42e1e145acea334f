// DescribeImages: by ids or by filters (never both), paged, only what the caller may see.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { RESOURCE_ID_PATTERN } from '../ids.ts'
import {
  optionalInteger,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  rejectUnknownParameters,
  type Params
} from '../params.ts'
import { toApiImage } from '../state.ts'
import type { ImageRecord } from '../types.ts'

const PARAMETERS = ['ImageIds', 'Filters', 'Offset', 'Limit', 'InstanceType'] as const
const MAX_FILTERS = 10
const MAX_FILTER_VALUES = 5
export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 20

interface Filter {
  name: string
  values: string[]
}

type Matcher = (image: ImageRecord, values: string[], viewer: string) => boolean

function viewedType(image: ImageRecord, viewer: string): string {
  if (image.ImageType !== 'PUBLIC_IMAGE' && image.ownerAccountId !== viewer) return 'SHARED_IMAGE'
  return image.ImageType
}

const MATCHERS: Record<string, Matcher> = {
  'image-id': (image, values) => values.includes(image.ImageId),
  'image-type': (image, values, viewer) => values.includes(viewedType(image, viewer)),
  // Fuzzy, like the real API: 'app' matches 'app-2'. Callers wanting one name compare exactly.
  'image-name': (image, values) =>
    values.some(value => image.ImageName.toLowerCase().includes(value.toLowerCase())),
  platform: (image, values) => values.includes(image.Platform),
  'tag-key': (image, values) => image.Tags.some(tag => values.includes(tag.Key)),
  'tag-value': (image, values) => image.Tags.some(tag => values.includes(tag.Value))
}

function matcherFor(name: string): Matcher {
  const known = MATCHERS[name]
  if (known) return known
  if (name.startsWith('tag:') && name.length > 4) {
    const key = name.slice(4)
    return (image, values) => image.Tags.some(tag => tag.Key === key && values.includes(tag.Value))
  }
  throw new ApiError('InvalidFilter', `The filter \`${name}\` is not supported.`)
}

function readFilters(params: Params): Filter[] | undefined {
  const raw = optionalObjectArray(params, 'Filters')
  if (!raw) return undefined
  if (raw.length > MAX_FILTERS) {
    throw new ApiError(
      'InvalidFilterValue.LimitExceeded',
      `At most ${MAX_FILTERS} filters are allowed.`
    )
  }
  return raw.map((filter, index) => {
    const name = optionalString(filter, 'Name')
    const values = optionalStringArray(filter, 'Values')
    if (!name || !values) {
      throw new ApiError('InvalidFilter', `Filters.${index} needs a Name and Values.`)
    }
    if (values.length > MAX_FILTER_VALUES) {
      throw new ApiError(
        'InvalidFilterValue.LimitExceeded',
        `A filter takes at most ${MAX_FILTER_VALUES} values; \`${name}\` has ${values.length}.`
      )
    }
    matcherFor(name)
    return { name, values }
  })
}

/** Selecting by a tag key the account has never used is an error, not an empty answer. */
function checkTagKeys(context: ActionContext, filters: Filter[]): void {
  for (const { name } of filters) {
    if (!name.startsWith('tag:')) continue
    const key = name.slice(4)
    if (!context.state.hasTagKey(context.accountId, key)) {
      throw new ApiError(
        'InvalidParameterValue.TagKeyNotFound',
        `The tag key \`${key}\` does not exist.`
      )
    }
  }
}

export function readPaging(params: Params): { offset: number; limit: number } {
  const offset = optionalInteger(params, 'Offset', { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0
  const limit =
    optionalInteger(params, 'Limit', {
      min: 0,
      max: MAX_LIMIT,
      code: 'InvalidParameterValue.InvalidParameterValueLimit'
    }) ?? DEFAULT_LIMIT
  return { offset, limit }
}

export function describeImages(context: ActionContext): ActionResult {
  const { params, state, accountId } = context
  rejectUnknownParameters(params, PARAMETERS)
  optionalString(params, 'InstanceType')
  const imageIds = optionalStringArray(params, 'ImageIds')
  const filters = readFilters(params)
  if (imageIds && filters) {
    throw new ApiError(
      'InvalidParameter.InvalidParameterCoexistImageIdsFilters',
      'ImageIds and Filters cannot be specified at the same time.'
    )
  }
  if (imageIds && imageIds.length > MAX_LIMIT) {
    throw new ApiError(
      'InvalidParameterValue.LimitExceeded',
      `At most ${MAX_LIMIT} ImageIds are allowed.`
    )
  }
  for (const imageId of imageIds ?? []) {
    if (!RESOURCE_ID_PATTERN.image.test(imageId)) {
      throw new ApiError('InvalidImageId.Malformed', `The image id \`${imageId}\` is malformed.`)
    }
  }
  const { offset, limit } = readPaging(params)
  checkTagKeys(context, filters ?? [])

  const matching = state
    .images(context.region)
    .filter(image => state.isVisibleTo(image, accountId))
    .filter(image => !imageIds || imageIds.includes(image.ImageId))
    .filter(image =>
      (filters ?? []).every(filter => matcherFor(filter.name)(image, filter.values, accountId))
    )
    .reverse() // newest first
  return {
    TotalCount: matching.length,
    ImageSet: matching.slice(offset, offset + limit).map(image => toApiImage(image, accountId))
  }
}

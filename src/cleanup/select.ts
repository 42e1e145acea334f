// Stage: list the images the selector names, through every page of DescribeImages. The API's
// name filter is fuzzy, so names and prefixes are compared here, exactly and case-sensitively.
import type {
  Filter,
  Image
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { listImages, listImagesById } from '../image/lookup.ts'
import type { ApiClient } from '../tencent/client.ts'
import { ApiCallError } from '../tencent/errors.ts'
import type { RetryContext } from '../tencent/retry.ts'
import type { Selector } from './inputs.ts'

export interface Selection {
  images: Image[]
  /** image-ids the region does not list. */
  missing: string[]
  pages: number
  /** DescribeImages said a tag key of the selection exists nowhere in the account. */
  unknownTagKey?: boolean
}

const TAG_KEY_NOT_FOUND = 'InvalidParameterValue.TagKeyNotFound'

export async function selectImages(
  api: ApiClient,
  selector: Selector,
  ctx: RetryContext
): Promise<Selection> {
  if (selector.by === 'ids') {
    const { images, pages } = await listImagesById(api, selector.imageIds, ctx)
    const found = new Set(images.map(image => image.ImageId))
    return { images, missing: selector.imageIds.filter(id => !found.has(id)), pages }
  }

  // Only the account's own images: public ones and those others share with it are not listed.
  const filters: Filter[] = [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }]
  const namePart = selector.by === 'name' ? selector.name : selector.prefix
  if (namePart) filters.push({ Name: 'image-name', Values: [namePart] })
  const tags = selector.by === 'filters' ? selector.tags : []
  for (const tag of tags) filters.push({ Name: `tag:${tag.Key}`, Values: [tag.Value] })

  try {
    const { images, pages } = await listImages(api, filters, ctx)
    return { images: images.filter(image => matches(image, selector)), missing: [], pages }
  } catch (error) {
    // A tag key the account has never used: no image carries it, so none is selected.
    if (error instanceof ApiCallError && error.detail.code === TAG_KEY_NOT_FOUND) {
      return { images: [], missing: [], pages: 1, unknownTagKey: true }
    }
    throw error
  }
}

/** The exact test behind the API's fuzzy filters. */
export function matches(image: Image, selector: Selector): boolean {
  const name = image.ImageName ?? ''
  if (selector.by === 'ids') return selector.imageIds.includes(image.ImageId ?? '')
  if (selector.by === 'name') return name === selector.name
  if (selector.prefix && !name.startsWith(selector.prefix)) return false
  return selector.tags.every(want =>
    (image.Tags ?? []).some(tag => tag.Key === want.Key && tag.Value === want.Value)
  )
}

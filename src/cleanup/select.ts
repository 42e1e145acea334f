// Stage: list the images the selector names, through every page of DescribeImages. The API's
// name filter is fuzzy, so names and prefixes are compared here, exactly and case-sensitively.
import type {
  DescribeImagesResponse,
  Filter,
  Image
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from '../cvm-client.ts'
import { withRetry, type RetryContext } from '../retry.ts'
import type { Selector } from './inputs.ts'

const PAGE = 100

export interface Selection {
  images: Image[]
  /** image-ids the region does not list. */
  missing: string[]
  pages: number
}

export async function selectImages(
  api: ApiClient,
  selector: Selector,
  ctx: RetryContext
): Promise<Selection> {
  if (selector.by === 'ids') {
    const images: Image[] = []
    let pages = 0
    for (let i = 0; i < selector.imageIds.length; i += PAGE) {
      const ids = selector.imageIds.slice(i, i + PAGE)
      const page = await describe(api, { ImageIds: ids, Limit: PAGE }, ctx)
      pages++
      images.push(...(page.ImageSet ?? []).filter(image => ids.includes(image.ImageId ?? '')))
    }
    const found = new Set(images.map(image => image.ImageId))
    return { images, missing: selector.imageIds.filter(id => !found.has(id)), pages }
  }

  // Only the account's own images: public ones and those others share with it are not listed.
  const filters: Filter[] = [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }]
  const namePart = selector.by === 'name' ? selector.name : selector.prefix
  if (namePart) filters.push({ Name: 'image-name', Values: [namePart] })
  const tags = selector.by === 'filters' ? selector.tags : []
  for (const tag of tags) filters.push({ Name: `tag:${tag.Key}`, Values: [tag.Value] })

  const images: Image[] = []
  let pages = 0
  for (let offset = 0; ; offset += PAGE) {
    const page = await describe(api, { Filters: filters, Offset: offset, Limit: PAGE }, ctx)
    pages++
    const set = page.ImageSet ?? []
    images.push(...set.filter(image => matches(image, selector)))
    if (set.length < PAGE || offset + PAGE >= (page.TotalCount ?? 0)) break
  }
  return { images, missing: [], pages }
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

function describe(
  api: ApiClient,
  params: object,
  ctx: RetryContext
): Promise<DescribeImagesResponse> {
  return withRetry(
    'DescribeImages',
    () => api.call<DescribeImagesResponse>('DescribeImages', params, ctx.signal),
    ctx
  )
}

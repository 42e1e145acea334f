// Reading images: one pager over DescribeImages for every look-up of both actions, one image by
// id, and the creation time. The API's image-name filter is a fuzzy match ('app' finds 'app-2'),
// so names are compared exactly here.
import type {
  DescribeImagesResponse,
  Filter,
  Image
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from '../tencent/client.ts'
import { request, type RetryContext } from '../tencent/retry.ts'

/** DescribeImages' largest page. */
export const PAGE = 100

export interface Listing {
  images: Image[]
  pages: number
}

/** Every image the filters select, across every page. */
export async function listImages(
  api: ApiClient,
  filters: Filter[],
  ctx: RetryContext
): Promise<Listing> {
  const images: Image[] = []
  let pages = 0
  for (let offset = 0; ; offset += PAGE) {
    const page = await request<DescribeImagesResponse>(
      api,
      'DescribeImages',
      { Filters: filters, Offset: offset, Limit: PAGE },
      ctx
    )
    pages++
    const set = page.ImageSet ?? []
    images.push(...set)
    if (set.length < PAGE || offset + PAGE >= (page.TotalCount ?? 0)) return { images, pages }
  }
}

/** The images of these ids the region lists, a page of ids at a time. */
export async function listImagesById(
  api: ApiClient,
  imageIds: string[],
  ctx: RetryContext
): Promise<Listing> {
  const images: Image[] = []
  let pages = 0
  for (let i = 0; i < imageIds.length; i += PAGE) {
    const ids = imageIds.slice(i, i + PAGE)
    const page = await request<DescribeImagesResponse>(
      api,
      'DescribeImages',
      { ImageIds: ids, Limit: PAGE },
      ctx
    )
    pages++
    images.push(...(page.ImageSet ?? []).filter(image => ids.includes(image.ImageId ?? '')))
  }
  return { images, pages }
}

/** The account's own images whose name is exactly `name`. */
export async function findImagesByExactName(
  api: ApiClient,
  name: string,
  ctx: RetryContext
): Promise<Image[]> {
  const { images } = await listImages(
    api,
    [
      { Name: 'image-name', Values: [name] },
      { Name: 'image-type', Values: ['PRIVATE_IMAGE'] }
    ],
    ctx
  )
  return images.filter(image => image.ImageName === name)
}

/** One image by id, or undefined while the API does not list it (just after creation, or gone). */
export async function describeImage(
  api: ApiClient,
  imageId: string,
  ctx: RetryContext
): Promise<Image | undefined> {
  const page = await request<DescribeImagesResponse>(
    api,
    'DescribeImages',
    { ImageIds: [imageId] },
    ctx
  )
  return (page.ImageSet ?? []).find(image => image.ImageId === imageId)
}

/** Epoch ms of the API's CreatedTime ('2026-11-22T08:30:00Z'), or undefined when absent. */
export function createdAt(image: Image): number | undefined {
  if (!image.CreatedTime) return undefined
  const ms = Date.parse(image.CreatedTime)
  return Number.isNaN(ms) ? undefined : ms
}

// Finding images by name. The API's image-name filter is a fuzzy match ('app' finds 'app-2'),
// so names are compared exactly here.
import type {
  DescribeImagesResponse,
  Image
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from './cvm-client.ts'
import { withRetry, type RetryContext } from './retry.ts'

const PAGE = 100

/** The account's own images whose name is exactly `name`, across every page of the fuzzy match. */
export async function findImagesByExactName(
  api: ApiClient,
  name: string,
  ctx: RetryContext
): Promise<Image[]> {
  const matches: Image[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await withRetry(
      'DescribeImages',
      () =>
        api.call<DescribeImagesResponse>(
          'DescribeImages',
          {
            Filters: [
              { Name: 'image-name', Values: [name] },
              { Name: 'image-type', Values: ['PRIVATE_IMAGE'] }
            ],
            Offset: offset,
            Limit: PAGE
          },
          ctx.signal
        ),
      ctx
    )
    const images = page.ImageSet ?? []
    matches.push(...images.filter(image => image.ImageName === name))
    if (images.length < PAGE || offset + PAGE >= (page.TotalCount ?? 0)) return matches
  }
}

/** One image by id, or undefined while the API does not list it yet (just after creation). */
export async function describeImage(
  api: ApiClient,
  imageId: string,
  ctx: RetryContext
): Promise<Image | undefined> {
  const page = await withRetry(
    'DescribeImages',
    () => api.call<DescribeImagesResponse>('DescribeImages', { ImageIds: [imageId] }, ctx.signal),
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

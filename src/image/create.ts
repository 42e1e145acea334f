// Stage: send CreateImage once, even when an answer is lost on the way back.
import type {
  CreateImageRequest,
  CreateImageResponse
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from './cvm-client.ts'
import { answerMayBeLost, classify } from './errors.ts'
import type { ImageSpec } from './inputs.ts'
import { createdAt, findImagesByExactName } from './lookup.ts'
import { withRetry, type RetryContext } from './retry.ts'

/** The request with the API's wire types: ForcePoweroff and Sysprep are strings, DryRun a boolean. */
export function buildCreateImageRequest(spec: ImageSpec): CreateImageRequest {
  const request: CreateImageRequest = { ImageName: spec.name }
  if (spec.instanceId) request.InstanceId = spec.instanceId
  if (spec.snapshotIds.length > 0) request.SnapshotIds = [...spec.snapshotIds]
  if (spec.dataDiskIds.length > 0) request.DataDiskIds = [...spec.dataDiskIds]
  if (spec.description) request.ImageDescription = spec.description
  if (spec.forcePoweroff) request.ForcePoweroff = 'true'
  if (spec.sysprep) request.Sysprep = 'true'
  if (spec.dryRun) request.DryRun = true
  if (spec.tags.length > 0) {
    request.TagSpecification = [{ ResourceType: 'image', Tags: spec.tags.map(t => ({ ...t })) }]
  }
  if (spec.family) request.ImageFamily = spec.family
  return request
}

export type CreateOutcome =
  | { kind: 'created'; imageId: string; requestId: string }
  /** An earlier attempt made the image but its answer was lost; found again by exact name. */
  | { kind: 'adopted'; imageId: string; requestId: string }
  | { kind: 'dry-run'; requestId: string }

export interface CreateContext extends RetryContext {
  log: (message: string) => void
  /**
   * Own images that had the name before the first CreateImage was sent: never taken for the one a
   * lost request made (names are unique, so a second send then gets InvalidImageName.Duplicate).
   */
  preexisting: ReadonlySet<string>
  /** Epoch ms no image made by this run's requests can predate; see createWindowStart. */
  notBefore: number
}

/**
 * The API refuses signatures more than 5 minutes off its clock, so an image created by a request
 * sent at `now` cannot carry a CreatedTime earlier than this.
 */
export function createWindowStart(now: number): number {
  return now - 5 * 60_000
}

export async function createImage(
  api: ApiClient,
  spec: ImageSpec,
  ctx: CreateContext
): Promise<CreateOutcome> {
  const request = buildCreateImageRequest(spec)
  let answerLost = false
  return withRetry(
    'CreateImage',
    async attempt => {
      if (answerLost) {
        const found = await findOwnImage(api, spec.name, ctx)
        if (found) {
          ctx.log(
            `An earlier CreateImage reached Tencent Cloud although its answer was lost: adopting ${found} instead of creating a second image.`
          )
          return { kind: 'adopted', imageId: found, requestId: lastRequestId(attempt.previous) }
        }
      }
      try {
        const response = await api.call<CreateImageResponse>('CreateImage', request, ctx.signal)
        if (spec.dryRun) return { kind: 'dry-run', requestId: response.RequestId ?? '' }
        if (!response.ImageId) throw new Error('CreateImage answered without an ImageId')
        return { kind: 'created', imageId: response.ImageId, requestId: response.RequestId ?? '' }
      } catch (error) {
        const code = classify(error).code
        if (spec.dryRun && code === 'DryRunOperation') {
          return { kind: 'dry-run', requestId: classify(error).requestId ?? '' }
        }
        // A resend can race an earlier request's image into existence (after a lost answer, or
        // an error answer given after all).
        if (attempt.previous.length > 0 && code === 'InvalidImageName.Duplicate') {
          const found = await findOwnImage(api, spec.name, ctx)
          if (found) return { kind: 'adopted', imageId: found, requestId: lastRequestId([error]) }
        }
        if (answerMayBeLost(error) && !spec.dryRun) answerLost = true
        throw error
      }
    },
    ctx
  )
}

function lastRequestId(errors: unknown[]): string {
  for (const error of [...errors].reverse()) {
    const id = classify(error).requestId
    if (id) return id
  }
  return ''
}

/** The image of this name that this run's requests made, if there is one. */
export async function findOwnImage(
  api: ApiClient,
  name: string,
  ctx: RetryContext & { preexisting: ReadonlySet<string>; notBefore: number }
): Promise<string | undefined> {
  const images = await findImagesByExactName(api, name, ctx)
  return images.find(
    image =>
      !ctx.preexisting.has(image.ImageId ?? '') &&
      (createdAt(image) ?? ctx.notBefore) >= ctx.notBefore
  )?.ImageId
}

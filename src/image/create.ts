// Stage: send CreateImage once, even when an answer is lost on the way back.
import type {
  CreateImageRequest,
  CreateImageResponse
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ApiClient } from '../tencent/client.ts'
import { answerMayBeLost, classify } from '../tencent/errors.ts'
import { callOptions, withRetry, type RetryContext } from '../tencent/retry.ts'
import { findImagesByExactName } from './lookup.ts'
import { findOurs, isOurs, type Claim } from './ownership.ts'
import type { ImageSpec } from './spec.ts'

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
  /** An earlier attempt made the image but its answer was lost; found again by the claim. */
  | { kind: 'adopted'; imageId: string; requestId: string }
  | { kind: 'dry-run'; requestId: string }

/**
 * Told about the sends, so that a run that ends at any moment (a cancellation while a request is
 * in flight) has handed on what it may have made. The run record implements it.
 */
export interface SendWatch {
  /** Just before a request leaves: from now on an image may exist. */
  sending(claim: Claim): void
  /** A definite answer came and no earlier answer was lost: no send is unaccounted for. */
  settled(): void
}

export interface CreateContext extends RetryContext {
  log: (message: string) => void
  watch: SendWatch
}

export async function createImage(
  api: ApiClient,
  spec: ImageSpec,
  claim: Claim,
  ctx: CreateContext
): Promise<CreateOutcome> {
  const request = buildCreateImageRequest(spec)
  let answerLost = false
  return withRetry(
    'CreateImage',
    async attempt => {
      if (answerLost) {
        const found = await findOurs(api, claim, ctx)
        if (found?.ImageId) {
          ctx.log(
            `An earlier CreateImage reached Tencent Cloud although its answer was lost: adopting ${found.ImageId} instead of creating a second image.`
          )
          return {
            kind: 'adopted',
            imageId: found.ImageId,
            requestId: lastRequestId(attempt.previous)
          }
        }
      }
      // A dry run makes nothing, so it has nothing to hand on.
      if (!spec.dryRun) ctx.watch.sending(claim)
      try {
        const response = await api.call<CreateImageResponse>(
          'CreateImage',
          request,
          callOptions(ctx)
        )
        if (spec.dryRun) return { kind: 'dry-run', requestId: response.RequestId ?? '' }
        if (!response.ImageId) throw new Error('CreateImage answered without an ImageId')
        // A success settles every earlier send too: had a lost one made the image, this one
        // would have been refused the name.
        ctx.watch.settled()
        return { kind: 'created', imageId: response.ImageId, requestId: response.RequestId ?? '' }
      } catch (error) {
        const code = classify(error).code
        if (spec.dryRun && code === 'DryRunOperation') {
          return { kind: 'dry-run', requestId: classify(error).requestId ?? '' }
        }
        // A resend can race into the image a lost request made.
        if (answerLost && code === 'InvalidImageName.Duplicate') {
          const holders = await findImagesByExactName(api, claim.name, ctx)
          const ours = holders.find(image => isOurs(image, claim))
          if (ours?.ImageId) {
            return { kind: 'adopted', imageId: ours.ImageId, requestId: lastRequestId([error]) }
          }
          // An image that had the name before the first send still holds it, so no send of ours
          // can have made one: names are unique. (Any other holder may be ours, not yet listed
          // with all its tags; the post step then looks again, and deletes only by the claim.)
          if (holders.some(image => claim.preexisting.includes(image.ImageId ?? ''))) {
            ctx.watch.settled()
          }
          throw error
        }
        if (answerMayBeLost(error)) answerLost = true
        else if (code !== undefined && !answerLost) ctx.watch.settled()
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

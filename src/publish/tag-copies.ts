// Stage: give the copies this run made what SyncImages leaves behind: the source's tags (the
// user's and the provenance tags, so the cleanup action selecting by tags finds every copy) and
// its image family. Copies an earlier run made and this one reused are left as they are.
import { callerAccountId } from '../credentials/caller-account.ts'
import type { Tag } from '../image/tags.ts'
import { ActionFailure } from '../runner/failure.ts'
import type { ApiClient, CredentialSource, Credentials, Transport } from '../tencent/client.ts'
import type { Endpoint } from '../tencent/endpoint.ts'
import { ApiCallError } from '../tencent/errors.ts'
import { PUBLISH_REQUESTS_PER_SECOND, Pacer, paced } from '../tencent/pace.ts'
import type { ClientFor } from '../tencent/regional-clients.ts'
import { request, type RetryContext } from '../tencent/retry.ts'
import {
  TAG_RESOURCES_LIMIT,
  createTagClient,
  imageResourceName,
  type ServiceTag,
  type TagResourcesAnswer
} from '../tencent/tag-client.ts'
import type { CopyRecord, Published } from './published.ts'

export interface CopyLabels {
  tags: Tag[]
  /** The source's image family; empty when it has none. */
  family: string
}

export interface TagCopiesContext extends RetryContext {
  log: (message: string) => void
  tagApi: ApiClient
  /** The UIN of the account the copies are in; asked for only when there is something to tag. */
  accountId: () => Promise<string>
}

type MadeCopy = CopyRecord & { imageId: string }

export async function tagCopies(
  published: Published,
  labels: CopyLabels,
  clientFor: ClientFor,
  ctx: TagCopiesContext
): Promise<void> {
  const copies = published.copies.filter(
    (copy): copy is MadeCopy => copy.imageId !== undefined && !copy.reused
  )
  if (copies.length === 0) return
  const notShared = published.accountIds.length > 0 ? ' Nothing was shared.' : ''
  if (labels.tags.length > 0) await tagAll(copies, labels.tags, notShared, ctx)
  if (labels.family !== '') await setFamily(copies, labels.family, clientFor, notShared, ctx)
}

async function tagAll(
  copies: MadeCopy[],
  tags: Tag[],
  notShared: string,
  ctx: TagCopiesContext
): Promise<void> {
  let accountId: string
  try {
    accountId = await ctx.accountId()
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error
    throw new ActionFailure(
      error.title,
      `The copies ${list(copies)} could not be tagged: the account they are in is asked of STS first, and ${error.message}${notShared}`
    )
  }
  const serviceTags: ServiceTag[] = tags.map(tag => ({ TagKey: tag.Key, TagValue: tag.Value }))
  for (const batch of chunks(copies, TAG_RESOURCES_LIMIT)) {
    const byName = new Map(
      batch.map(copy => [imageResourceName(copy.region, accountId, copy.imageId), copy])
    )
    for (const tagBatch of chunks(serviceTags, TAG_RESOURCES_LIMIT)) {
      let answer: TagResourcesAnswer
      try {
        // An existing key gets the value again, so a resend after a lost answer is harmless.
        answer = await request<TagResourcesAnswer>(
          ctx.tagApi,
          'TagResources',
          { ResourceList: [...byName.keys()], Tags: tagBatch },
          ctx
        )
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error
        throw new ActionFailure(
          error.title,
          `Tagging the copies ${list(batch)} failed: ${error.message}${notShared}`
        )
      }
      const failed = answer.FailedResources ?? []
      if (failed.length > 0) {
        const which = failed.map(item => {
          const copy = byName.get(item.Resource ?? '')
          const what = copy
            ? `${copy.region}: copy ${copy.imageId}`
            : (item.Resource ?? 'a resource')
          return `${what}: ${item.Code ?? 'no code'}: ${item.Message ?? ''}`.trim()
        })
        throw new ActionFailure(
          'TagResources failed for some copies',
          `Tagging the copies failed for ${which.join('; ')} (RequestId: ${answer.RequestId ?? 'unknown'}). Check tag-endpoint and that the credentials may tag:TagResources.${notShared}`
        )
      }
    }
    for (const copy of batch) copy.tagged = true
  }
  ctx.log(
    `Tagged ${list(copies)} with ${tags.length} tag${tags.length === 1 ? '' : 's'}, as the source.`
  )
}

/** SyncImages makes copies without the family; DescribeImageFromFamily would then miss them. */
async function setFamily(
  copies: MadeCopy[],
  family: string,
  clientFor: ClientFor,
  notShared: string,
  ctx: TagCopiesContext
): Promise<void> {
  for (const copy of copies) {
    if (copy.family === family) continue
    try {
      await request(
        clientFor(copy.region),
        'ModifyImageAttribute',
        { ImageId: copy.imageId, ImageFamily: family },
        ctx
      )
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error
      throw new ActionFailure(
        error.title,
        `${copy.region}: putting copy ${copy.imageId} in the image family '${family}' failed: ${error.message}${notShared}`
      )
    }
    copy.family = family
    ctx.log(`${copy.region}: copy ${copy.imageId} is in the image family '${family}'.`)
  }
}

function list(copies: MadeCopy[]): string {
  return copies.map(copy => `${copy.region} ${copy.imageId}`).join(', ')
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * The Tag service and the account lookup for one run: the UIN is asked of STS once, and only
 * when a copy is tagged, then used for every region.
 */
export function tagServices(
  endpoints: { tag: Endpoint; sts: Endpoint },
  region: string,
  credentials: Credentials | CredentialSource,
  transport: Transport,
  ctx: RetryContext
): Pick<TagCopiesContext, 'tagApi' | 'accountId'> {
  const tagApi = paced(
    createTagClient(endpoints.tag, region, credentials, transport),
    new Pacer(ctx.clock, PUBLISH_REQUESTS_PER_SECOND)
  )
  let account: Promise<string> | undefined
  return {
    tagApi,
    accountId: () =>
      (account ??= callerAccountId(endpoints.sts, region, credentials, transport, ctx))
  }
}

// Stage: share the source image and every copy with other accounts. Sharing is per region, so each
// image is shared through a client for its own region. The source goes first: an account the API
// refuses is refused for every image, and is best found out before the copies are touched.
import type { DescribeImageSharePermissionResponse } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { CancelledError } from '../runner/clock.ts'
import { ActionFailure } from '../runner/failure.ts'
import { ApiCallError, isAccountRefused, isAlreadyShared } from '../tencent/errors.ts'
import type { Published } from './published.ts'
import type { ClientFor } from '../tencent/regional-clients.ts'
import { request, type RetryContext } from '../tencent/retry.ts'

export interface ShareTarget {
  region: string
  imageId: string
}

export interface ShareContext extends RetryContext {
  log: (message: string) => void
}

export async function shareWithAccounts(
  source: ShareTarget,
  copies: ShareTarget[],
  clientFor: ClientFor,
  published: Published,
  ctx: ShareContext
): Promise<void> {
  const accountIds = published.accountIds
  await shareSource(source, accountIds, clientFor, published, ctx)

  const outcomes = await Promise.allSettled(
    copies.map(copy => share(copy, accountIds, clientFor, published, ctx))
  )
  if (ctx.signal?.aborted || outcomes.some(o => o.status === 'rejected' && isCancel(o.reason))) {
    throw new CancelledError()
  }
  const failures = outcomes.flatMap((outcome, i) =>
    outcome.status === 'rejected' ? [`${copies[i]!.region}: ${messageOf(outcome.reason)}`] : []
  )
  if (failures.length > 0) {
    throw new ActionFailure(
      'Sharing failed',
      `Sharing the copies of ${source.imageId} with ${accountIds.join(', ')} failed in ${failures.length} of ${copies.length} regions. ${failures.join(' ')} The other images are shared; the job summary lists them.`
    )
  }
}

async function shareSource(
  source: ShareTarget,
  accountIds: string[],
  clientFor: ClientFor,
  published: Published,
  ctx: ShareContext
): Promise<void> {
  let already: Set<string> | undefined
  try {
    already = await sharedWith(clientFor(source.region), source.imageId, ctx)
    await share(source, accountIds, clientFor, published, ctx, already)
    return
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error
    if (!isAccountRefused(error)) {
      throw new ActionFailure(
        error.title,
        `Sharing ${source.imageId} in ${source.region} failed, so nothing was shared. ${error.message}`
      )
    }
    if (accountIds.length === 1) {
      published.failedAccounts.push({ accountId: accountIds[0]!, reason: error.message })
    }
  }
  // The API refuses the whole list for one bad account and may not say which: ask one by one.
  if (accountIds.length > 1) {
    for (const accountId of accountIds) {
      try {
        await share(source, [accountId], clientFor, published, ctx, already)
      } catch (error) {
        if (!(error instanceof ApiCallError) || !isAccountRefused(error)) throw error
        published.failedAccounts.push({ accountId, reason: error.message })
      }
    }
  }
  const refused = published.failedAccounts
  // One by one, every account went through: the list as a whole was the trouble.
  if (refused.length === 0) return
  const accepted = accountIds.filter(id => !refused.some(f => f.accountId === id))
  const partly = accepted.length
    ? ` ${source.imageId} was shared with ${accepted.join(', ')}; no copy was shared.`
    : ' Nothing was shared.'
  throw new ActionFailure(
    'Sharing failed: account refused',
    `Tencent Cloud refused to share ${source.imageId} with ${refused.map(f => f.accountId).join(', ')}. ${refused.map(f => `${f.accountId}: ${f.reason}`).join(' ')}${partly}`
  )
}

/**
 * SHARE is not idempotent: the API refuses an account that has the image already
 * (FailedOperation.AccountAlreadyExists), and refuses the whole list with it. So the image's
 * shares are read first and only the missing accounts sent; a refusal for an account that has it
 * (a resend after a lost answer, or a share made meanwhile) still means it is shared.
 */
async function share(
  target: ShareTarget,
  accountIds: string[],
  clientFor: ClientFor,
  published: Published,
  ctx: ShareContext,
  known?: Set<string>
): Promise<void> {
  const api = clientFor(target.region)
  const already = known ?? (await sharedWith(api, target.imageId, ctx))
  const missing = accountIds.filter(id => !already.has(id))
  const send = (ids: string[]) =>
    request<{ RequestId?: string }>(
      api,
      'ModifyImageSharePermission',
      { ImageId: target.imageId, AccountIds: ids, Permission: 'SHARE' },
      ctx
    )
  let requestId: string | undefined
  if (missing.length > 0) {
    try {
      requestId = (await send(missing)).RequestId
    } catch (error) {
      if (!isAlreadyShared(error)) throw error
      for (const id of missing) {
        try {
          requestId = (await send([id])).RequestId
        } catch (single) {
          if (!isAlreadyShared(single)) throw single
        }
      }
    }
  }
  published.shares.push({ ...target, accountIds: [...accountIds] })
  const had = accountIds.filter(id => already.has(id))
  const note = had.length ? ` (${had.join(', ')} had it already)` : ''
  const answered = requestId ? ` RequestId ${requestId}.` : ''
  ctx.log(
    `Shared ${target.imageId} in ${target.region} with ${accountIds.join(', ')}${note}.${answered}`
  )
}

/** The accounts the image is shared with now. */
async function sharedWith(
  api: ReturnType<ClientFor>,
  imageId: string,
  ctx: ShareContext
): Promise<Set<string>> {
  const answer = await request<DescribeImageSharePermissionResponse>(
    api,
    'DescribeImageSharePermission',
    { ImageId: imageId },
    ctx
  )
  return new Set((answer.SharePermissionSet ?? []).map(p => p.AccountId ?? ''))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function isCancel(error: unknown): boolean {
  return error instanceof CancelledError
}

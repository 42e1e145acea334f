// Whose account the credentials act in, from STS GetCallerIdentity: the Tag service names an
// image by it. The answer's AccountId is the owner account the caller belongs to, for keys of the
// owner, of a sub-user (their owner) and of a role session (the role's account, which owns the
// images the session makes). PrincipalId would be wrong for a role chained from another account:
// it names the account that asked for the role's keys.
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import {
  clientProfile,
  createSdkClient,
  requestWithin,
  type CredentialSource,
  type Credentials,
  type Transport
} from '../tencent/client.ts'
import type { Endpoint } from '../tencent/endpoint.ts'
import { callOptions, withRetry, type RetryContext } from '../tencent/retry.ts'
import { ActionFailure } from '../runner/failure.ts'
import { STS_VERSION } from './sts.ts'

interface CallerIdentityAnswer {
  AccountId?: string
  RequestId?: string
}

export async function callerAccountId(
  endpoint: Endpoint,
  region: string,
  credentials: Credentials | CredentialSource,
  transport: Transport,
  ctx: RetryContext
): Promise<string> {
  const client = createSdkClient(
    new CommonClient(endpoint.host, STS_VERSION, {
      credential: credentials,
      region,
      profile: clientProfile(endpoint, transport)
    })
  )
  const answer = await withRetry(
    'GetCallerIdentity',
    async () => {
      if ('getCredential' in credentials) await credentials.getCredential()
      return requestWithin<CallerIdentityAnswer>(client, 'GetCallerIdentity', {}, callOptions(ctx))
    },
    ctx
  )
  const accountId = answer.AccountId
  if (typeof accountId !== 'string' || !/^\d+$/.test(accountId)) {
    throw new ActionFailure(
      'GetCallerIdentity gave no account',
      `GetCallerIdentity answered without the account's UIN (AccountId ${JSON.stringify(accountId)}, RequestId ${answer.RequestId ?? 'unknown'}).`
    )
  }
  return accountId
}

// STS 2018-08-13 through the SDK's common client, which the CVM client already bundles: the STS
// package would add a second copy of the same code for two calls.
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import {
  clientProfile,
  createSdkClient,
  requestWithin,
  type CallOptions,
  type Credentials,
  type Transport
} from '../tencent/client.ts'
import type { Endpoint } from '../tencent/endpoint.ts'
import type { TemporaryCredentials } from './renewing.ts'

export const STS_VERSION = '2018-08-13'

export interface StsCredentialsAnswer {
  Credentials?: { TmpSecretId?: string; TmpSecretKey?: string; Token?: string }
  /** Unix seconds. */
  ExpiredTime?: number
  Expiration?: string
  RequestId?: string
}

export interface StsClient {
  /** AssumeRoleWithWebIdentity is sent unsigned (Authorization: SKIP); AssumeRole is signed. */
  call(
    action: 'AssumeRoleWithWebIdentity' | 'AssumeRole',
    params: Record<string, unknown>,
    options?: CallOptions
  ): Promise<StsCredentialsAnswer>
}

export function createStsClient(
  endpoint: Endpoint,
  region: string,
  transport: Transport,
  keys?: Credentials
): StsClient {
  const client = createSdkClient(
    new CommonClient(endpoint.host, STS_VERSION, {
      credential: keys ?? {},
      region,
      profile: clientProfile(endpoint, transport)
    })
  )
  return {
    call: (action, params, options) =>
      requestWithin<StsCredentialsAnswer>(client, action, params, {
        ...options,
        ...(keys ? {} : { skipSign: true })
      })
  }
}

/** The answer's keys, checked: a half-filled answer would only fail later, on CVM, as a signature error. */
export function toTemporaryCredentials(
  action: string,
  answer: StsCredentialsAnswer
): TemporaryCredentials {
  const c = answer.Credentials
  if (!c?.TmpSecretId || !c.TmpSecretKey || !c.Token || typeof answer.ExpiredTime !== 'number') {
    throw new Error(
      `${action} answered without temporary keys, token and ExpiredTime (RequestId ${answer.RequestId ?? 'unknown'}).`
    )
  }
  return {
    secretId: c.TmpSecretId,
    secretKey: c.TmpSecretKey,
    token: c.Token,
    expiresAt: answer.ExpiredTime * 1000
  }
}

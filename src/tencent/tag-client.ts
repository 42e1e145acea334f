// The Tag service (2018-08-13) through the SDK's common client, which the CVM client already
// bundles: the Tag package would add a second copy of the same code for one call.
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import {
  clientProfile,
  createSdkClient,
  requestWithin,
  type ApiClient,
  type CredentialSource,
  type Credentials,
  type Transport
} from './client.ts'
import type { Endpoint } from './endpoint.ts'

export const TAG_VERSION = '2018-08-13'

/** A tag as the Tag service names its fields (CVM says Key and Value). */
export interface ServiceTag {
  TagKey: string
  TagValue: string
}

export interface TagResourcesAnswer {
  /** Resources the call could not tag, each with its own code; empty when all were tagged. */
  FailedResources?: { Resource?: string; Code?: string; Message?: string }[]
  RequestId?: string
}

/** At most this many resources, and this many tags, in one TagResources. */
export const TAG_RESOURCES_LIMIT = 10

export function createTagClient(
  endpoint: Endpoint,
  region: string,
  credentials: Credentials | CredentialSource,
  transport: Transport
): ApiClient {
  const client = createSdkClient(
    new CommonClient(endpoint.host, TAG_VERSION, {
      credential: credentials,
      region,
      profile: clientProfile(endpoint, transport)
    })
  )
  return {
    call: async <T>(action: string, params: object, options?: Parameters<ApiClient['call']>[2]) => {
      // As for CVM: a failed renewal keeps its STS error instead of the SDK's code-less one.
      if ('getCredential' in credentials) await credentials.getCredential()
      return requestWithin<T>(client, action, params, options)
    }
  }
}

/** The six-segment name the Tag service knows an image by. */
export function imageResourceName(region: string, accountId: string, imageId: string): string {
  return `qcs::cvm:${region}:uin/${accountId}:image/${imageId}`
}

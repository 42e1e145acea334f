// Auto Scaling 2018-04-19 through the SDK's common client, as STS is: the per-service AS package
// would bundle a second copy of the common code for five calls. Its models (in the
// tencentcloud-sdk-nodejs devDependency) type the parameters and answers.
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import {
  clientProfile,
  createSdkClient,
  requestWithin,
  type ApiClient,
  type CallOptions,
  type ClientOptions,
  type Transport
} from './client.ts'

export const AS_VERSION = '2018-04-19'

export function createAsClient(options: ClientOptions, transport: Transport): ApiClient {
  const { credentials } = options
  const client = createSdkClient(
    new CommonClient(options.endpoint.host, AS_VERSION, {
      credential: credentials,
      region: options.region,
      profile: clientProfile(options.endpoint, transport, options.requestTimeoutSeconds)
    })
  )
  return {
    call: async <T>(action: string, params: object, callOptions?: CallOptions) => {
      // As for CVM: a failed renewal keeps its STS error instead of becoming a code-less one.
      if ('getCredential' in credentials) await credentials.getCredential()
      return requestWithin<T>(client, action, params, callOptions)
    }
  }
}

// One CVM client per region: the region travels in every request (X-TC-Region), so polling a copy
// in ap-shanghai needs a client for ap-shanghai. All share the transport, credentials and one pacer.
import type { Clock } from '../runner/clock.ts'
import {
  createCvmClient,
  type ApiClient,
  type CredentialSource,
  type Credentials,
  type Transport
} from './client.ts'
import type { Endpoint } from './endpoint.ts'
import { PUBLISH_REQUESTS_PER_SECOND, Pacer, paced } from './pace.ts'

export type ClientFor = (region: string) => ApiClient

export function regionalClients(
  /** The endpoint of each region; `fallback` serves any other. */
  endpoints: { byRegion: Record<string, Endpoint>; fallback: Endpoint },
  credentials: Credentials | CredentialSource,
  transport: Transport,
  clock: Clock
): ClientFor {
  const pacer = new Pacer(clock, PUBLISH_REQUESTS_PER_SECOND)
  const clients = new Map<string, ApiClient>()
  return region => {
    let client = clients.get(region)
    if (!client) {
      const endpoint = endpoints.byRegion[region] ?? endpoints.fallback
      const api = createCvmClient({ endpoint, region, credentials }, transport)
      client = paced(api, pacer)
      clients.set(region, client)
    }
    return client
  }
}

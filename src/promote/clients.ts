// One CVM and one Auto Scaling client per region (the region travels in every request), sharing
// the transport, the credentials and one pacer so that many regions stay under the rate limits.
import type { Clock } from '../runner/clock.ts'
import { createAsClient } from '../tencent/as-client.ts'
import type { ApiClient, CredentialSource, Credentials, Transport } from '../tencent/client.ts'
import type { Endpoint } from '../tencent/endpoint.ts'
import { PUBLISH_REQUESTS_PER_SECOND, Pacer, paced } from '../tencent/pace.ts'
import { regionalClients, type ClientFor } from '../tencent/regional-clients.ts'

export interface RegionClients {
  cvm: ClientFor
  as: ClientFor
}

export function promoteClients(
  endpoints: { cvm: Record<string, Endpoint>; as: Record<string, Endpoint>; fallback: Endpoint },
  credentials: Credentials | CredentialSource,
  transport: Transport,
  clock: Clock
): RegionClients {
  const pacer = new Pacer(clock, PUBLISH_REQUESTS_PER_SECOND)
  const asClients = new Map<string, ApiClient>()
  return {
    cvm: regionalClients(
      { byRegion: endpoints.cvm, fallback: endpoints.fallback },
      credentials,
      transport,
      clock
    ),
    as: region => {
      let client = asClients.get(region)
      if (!client) {
        const endpoint = endpoints.as[region]!
        client = paced(createAsClient({ endpoint, region, credentials }, transport), pacer)
        asClients.set(region, client)
      }
      return client
    }
  }
}

// The one place that builds Tencent Cloud SDK clients. Only the CVM client and the common client
// (which the CVM client is built on, and which serves STS) are imported, not the whole SDK, which
// would bundle every service.
import { HttpClient } from '@actions/http-client'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { cvm } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/index.js'
import type { Endpoint } from './endpoint.ts'

export interface CredentialSource {
  getCredential(): Promise<{ secretId: string; secretKey: string; token?: string }>
}

export interface Credentials {
  secretId: string
  secretKey: string
  token?: string
}

/** A narrow view of a Tencent Cloud API client: one call, cancellable. */
export interface ApiClient {
  call<T>(action: string, params: object, signal?: AbortSignal): Promise<T>
}

export interface ClientOptions {
  endpoint: Endpoint
  region: string
  credentials: Credentials | CredentialSource
  /** Seconds before one HTTP request is given up; the SDK's default of 60 is long for polling. */
  requestTimeoutSeconds?: number
}

export const USER_AGENT = 'tencentcloud-cvm-image-action'

export function endpointUrl(endpoint: Endpoint): string {
  return `${endpoint.protocol}${endpoint.host}/`
}

/**
 * Connections are kept alive across polls. Proxies follow https_proxy/HTTPS_PROXY, http_proxy and
 * no_proxy as the rest of the Actions toolkit does; the SDK alone would send every request through
 * http_proxy, loopback included, and ignore no_proxy. Giving the SDK an agent turns that off.
 */
export class Transport {
  // One HttpClient per protocol and proxy: each caches a single agent, made for the first URL it
  // is asked about, so an http:// STS endpoint and an https:// CVM one cannot share it.
  private readonly clients = new Map<string, HttpClient>()

  agentFor(url: string): ReturnType<HttpClient['getAgent']> {
    const key = `${new URL(url).protocol} ${this.proxyFor(url) ?? 'direct'}`
    let http = this.clients.get(key)
    if (!http) {
      http = new HttpClient(USER_AGENT, [], { keepAlive: true })
      this.clients.set(key, http)
    }
    return http.getAgent(url)
  }

  proxyFor(url: string): string | undefined {
    return getProxyUrl(new URL(url))?.href
  }

  dispose(): void {
    for (const http of this.clients.values()) http.dispose()
    this.clients.clear()
  }
}

/** The SDK profile every client shares: TC3 signing, English messages, our keep-alive agent. */
export function clientProfile(
  endpoint: Endpoint,
  transport: Transport,
  requestTimeoutSeconds = 30
) {
  return {
    signMethod: 'TC3-HMAC-SHA256' as const,
    language: 'en-US' as const,
    httpProfile: {
      endpoint: endpoint.host,
      protocol: endpoint.protocol,
      reqTimeout: requestTimeoutSeconds,
      agent: transport.agentFor(endpointUrl(endpoint)),
      headers: { 'User-Agent': USER_AGENT }
    }
  }
}

export function createCvmClient(options: ClientOptions, transport: Transport): ApiClient {
  const { credentials } = options
  const client = new cvm.v20170312.Client({
    credential: credentials,
    region: options.region,
    profile: clientProfile(options.endpoint, transport, options.requestTimeoutSeconds)
  })
  return {
    call: async <T>(action: string, params: object, signal?: AbortSignal) => {
      // The SDK would turn a failed renewal into a code-less error; asking first keeps the STS
      // error as it is. The SDK's own ask then gets the same keys.
      if ('getCredential' in credentials) await credentials.getCredential()
      return client.request(action, params, signal ? { signal } : {}) as Promise<T>
    }
  }
}

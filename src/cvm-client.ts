// The one place that builds a Tencent Cloud SDK client. Only the CVM client is imported, not the
// whole SDK, which would bundle every service.
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
  private readonly http = new HttpClient(USER_AGENT, [], { keepAlive: true })

  agentFor(url: string): ReturnType<HttpClient['getAgent']> {
    return this.http.getAgent(url)
  }

  proxyFor(url: string): string | undefined {
    return getProxyUrl(new URL(url))?.href
  }

  dispose(): void {
    this.http.dispose()
  }
}

export function createCvmClient(options: ClientOptions, transport: Transport): ApiClient {
  const url = endpointUrl(options.endpoint)
  const client = new cvm.v20170312.Client({
    credential: options.credentials,
    region: options.region,
    profile: {
      signMethod: 'TC3-HMAC-SHA256',
      language: 'en-US',
      httpProfile: {
        endpoint: options.endpoint.host,
        protocol: options.endpoint.protocol,
        reqTimeout: options.requestTimeoutSeconds ?? 30,
        agent: transport.agentFor(url),
        headers: { 'User-Agent': USER_AGENT }
      }
    }
  })
  return {
    call: <T>(action: string, params: object, signal?: AbortSignal) =>
      client.request(action, params, signal ? { signal } : {}) as Promise<T>
  }
}

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

export interface CallOptions {
  /** The step's cancellation. */
  signal?: AbortSignal
  /** How long the request may take before it is given up (the step's time left). */
  timeoutMs?: number
}

/** A narrow view of a Tencent Cloud API client: one call, cancellable, never past the deadline. */
export interface ApiClient {
  call<T>(action: string, params: object, options?: CallOptions): Promise<T>
}

/** The request was given up because the step's deadline came before an answer. */
export class NoAnswerInTime extends Error {
  readonly timeoutMs: number
  constructor(action: string, timeoutMs: number) {
    super(
      timeoutMs > 0
        ? `${action} got no answer within the ${(timeoutMs / 1000).toFixed(1)}s the step had left`
        : `${action} was not sent: the step had no time left`
    )
    this.name = 'NoAnswerInTime'
    this.timeoutMs = timeoutMs
  }
}

/** An HTTP 200 answer without the API's {"Response": {...}}: a proxy or gateway answered. */
export class BadAnswer extends Error {
  readonly body: string
  constructor(body: string) {
    const shown = body.length > 200 ? `${body.slice(0, 200)}...` : body
    super(
      `the answer was not Tencent Cloud API JSON with a Response object: ${JSON.stringify(shown)}`
    )
    this.name = 'BadAnswer'
    this.body = shown
  }
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

/** What both SDK clients (CVM's and the common one) offer. */
interface SdkClient {
  request(action: string, params: object, options: object): Promise<unknown>
}

/**
 * The SDK reads `data.Response.Error` of every HTTP 200 answer, so a gateway's JSON without
 * `Response` fails inside it with "Cannot read properties of undefined". The answer is checked
 * first, on a copy of the body, so that it fails as what it is, with what came back.
 */
function checkAnswers(client: SdkClient): void {
  const sdk = client as unknown as { parseResponse(res: FetchResponse): Promise<unknown> }
  const parse = sdk.parseResponse.bind(client)
  sdk.parseResponse = async res => {
    if (res.status === 200 && res.headers.get('content-type') !== 'text/event-stream') {
      const body = await res.clone().text()
      let data: unknown
      try {
        data = JSON.parse(body)
      } catch {
        throw new BadAnswer(body)
      }
      const response = (data as { Response?: unknown } | null)?.Response
      if (typeof response !== 'object' || response === null) throw new BadAnswer(body)
    }
    return parse(res)
  }
}

interface FetchResponse {
  status: number
  headers: { get(name: string): string | null }
  clone(): { text(): Promise<string> }
}

/**
 * One SDK request, cut off at the step's deadline: the SDK's own timeout is fixed per client and
 * would hold a step that has seconds left for its full length.
 */
export async function requestWithin<T>(
  client: SdkClient,
  action: string,
  params: object,
  options: CallOptions & { skipSign?: boolean } = {}
): Promise<T> {
  const { signal, timeoutMs, skipSign } = options
  if (timeoutMs !== undefined && timeoutMs <= 0) throw new NoAnswerInTime(action, 0)
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)
  const signals = [signal, deadline].filter((s): s is AbortSignal => s !== undefined)
  const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
  try {
    return (await client.request(action, params, {
      ...(combined ? { signal: combined } : {}),
      ...(skipSign ? { skipSign } : {})
    })) as T
  } catch (error) {
    if (deadline?.aborted && !signal?.aborted) throw new NoAnswerInTime(action, timeoutMs!)
    throw error
  }
}

export function createSdkClient<C extends SdkClient>(client: C): C {
  checkAnswers(client)
  return client
}

export function createCvmClient(options: ClientOptions, transport: Transport): ApiClient {
  const { credentials } = options
  const client = createSdkClient(
    new cvm.v20170312.Client({
      credential: credentials,
      region: options.region,
      profile: clientProfile(options.endpoint, transport, options.requestTimeoutSeconds)
    })
  )
  return {
    call: async <T>(action: string, params: object, options?: CallOptions) => {
      // The SDK would turn a failed renewal into a code-less error; asking first keeps the STS
      // error as it is. The SDK's own ask then gets the same keys.
      if ('getCredential' in credentials) await credentials.getCredential()
      return requestWithin<T>(client, action, params, options)
    }
  }
}

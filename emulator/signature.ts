// TC3-HMAC-SHA256, checked the way Tencent Cloud's gateway checks it: the canonical request is rebuilt
// from what actually arrived (method, path, query, the signed headers, the hashed body bytes), so a
// body changed in transit or a wrong key fails. Written from the published algorithm, not the SDK.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256'

export interface ParsedAuthorization {
  secretId: string
  date: string
  service: string
  signedHeaders: string[]
  signature: string
}

const AUTHORIZATION_PATTERN =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/

/** undefined when the header is not a well-formed TC3 Authorization. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = AUTHORIZATION_PATTERN.exec(header.trim())
  if (!match) return undefined
  const [, secretId, date, service, signedHeaders, signature] = match
  if (!secretId || !date || !service || !signedHeaders || !signature) return undefined
  return { secretId, date, service, signedHeaders: signedHeaders.split(';'), signature }
}

export interface ArrivedRequest {
  method: string
  /** Path and query as received, e.g. '/' or '/?a=b'. */
  url: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

function headerValue(request: ArrivedRequest, name: string): string {
  const raw = request.headers[name]
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  // The signer uses the host name only; the Host header also carries the port.
  if (name === 'host') return value.replace(/:\d+$/, '').trim().toLowerCase()
  return value.trim().toLowerCase()
}

export function canonicalRequest(request: ArrivedRequest, signedHeaders: string[]): string {
  const queryAt = request.url.indexOf('?')
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt)
  const query = queryAt === -1 ? '' : request.url.slice(queryAt + 1)
  const headers = signedHeaders.map(name => `${name}:${headerValue(request, name)}\n`).join('')
  return [
    request.method.toUpperCase(),
    path || '/',
    query,
    headers,
    signedHeaders.join(';'),
    sha256Hex(request.body)
  ].join('\n')
}

export function stringToSign(
  timestamp: string,
  date: string,
  service: string,
  canonical: string
): string {
  return [TC3_ALGORITHM, timestamp, `${date}/${service}/tc3_request`, sha256Hex(canonical)].join(
    '\n'
  )
}

export function tc3Signature(
  secretKey: string,
  date: string,
  service: string,
  toSign: string
): string {
  const kDate = hmac(`TC3${secretKey}`, date)
  const kService = hmac(kDate, service)
  const kSigning = hmac(kService, 'tc3_request')
  return createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex')
}

/** True when `auth.signature` is what `secretKey` gives for this exact request. */
export function signatureMatches(
  request: ArrivedRequest,
  auth: ParsedAuthorization,
  timestamp: string,
  secretKey: string
): boolean {
  const canonical = canonicalRequest(request, auth.signedHeaders)
  const expected = tc3Signature(
    secretKey,
    auth.date,
    auth.service,
    stringToSign(timestamp, auth.date, auth.service, canonical)
  )
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(auth.signature, 'hex'))
}

/** 'YYYY-MM-DD' (UTC) of a unix timestamp in seconds. */
export function utcDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10)
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

export interface JwtHeader {
  alg: string
  typ?: string
  kid?: string
  [name: string]: unknown
}

export interface DecodedJwt {
  header: JwtHeader
  payload: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Signs `payload` with RS256 (RSASSA-PKCS1-v1_5 over SHA-256), as GitHub's token service does. */
export function signJwt(
  payload: Record<string, unknown>,
  privateKey: KeyObject | string,
  header: Omit<JwtHeader, 'alg'> = {}
): string {
  const signingInput = `${encode({ typ: 'JWT', alg: 'RS256', ...header })}.${encode(payload)}`
  const signature = sign('sha256', Buffer.from(signingInput), privateKey)
  return `${signingInput}.${signature.toString('base64url')}`
}

/** Splits and parses a JWT without checking its signature. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error(`Not a JWT: expected 3 parts, got ${parts.length}`)
  const [header = '', payload = '', signature = ''] = parts
  const parse = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  return {
    header: parse(header) as JwtHeader,
    payload: parse(payload) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url')
  }
}

/** Returns the payload when the RS256 signature verifies with `publicKey`; throws otherwise. */
export function verifyJwt(token: string, publicKey: KeyObject | string): Record<string, unknown> {
  const decoded = decodeJwt(token)
  if (decoded.header.alg !== 'RS256') throw new Error(`Unexpected alg ${decoded.header.alg}`)
  const ok = verify('sha256', Buffer.from(decoded.signingInput), publicKey, decoded.signature)
  if (!ok) throw new Error('JWT signature does not verify')
  return decoded.payload
}

/** RFC 7638 thumbprint of an RSA public key: a stable `kid`. */
export function rsaThumbprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey
  const jwk = key.export({ format: 'jwk' })
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })
  return createHash('sha256').update(canonical).digest('base64url')
}

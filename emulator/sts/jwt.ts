// Verifying an OIDC identity token (a compact JWS signed RS256), as CAM does for
// AssumeRoleWithWebIdentity: signature, then lifetime, issuer and audience.
import { createPublicKey, verify } from 'node:crypto'

export interface JwtClaims {
  iss?: unknown
  aud?: unknown
  sub?: unknown
  exp?: unknown
  nbf?: unknown
  iat?: unknown
  [claim: string]: unknown
}

/** Why a token was refused, worded for the error message. */
export class TokenRejected extends Error {}

/** Tolerance for clocks that disagree by a little, as OIDC verifiers commonly allow. */
const CLOCK_LEEWAY_SECONDS = 60

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // falls through to the rejection below
  }
  throw new TokenRejected(`the token's ${what} is not base64url-encoded JSON`)
}

export function verifyRs256(token: string, publicKeyPem: string): JwtClaims {
  const parts = token.split('.')
  if (parts.length !== 3)
    throw new TokenRejected('the token is not a JWT (header.payload.signature)')
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  const header = decodeJson(headerPart, 'header')
  if (header.alg !== 'RS256') {
    throw new TokenRejected(`the token is signed with ${String(header.alg)}, not RS256`)
  }
  const key = createPublicKey(publicKeyPem)
  let signed = false
  try {
    signed = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      key,
      Buffer.from(signaturePart, 'base64url')
    )
  } catch {
    signed = false
  }
  if (!signed)
    throw new TokenRejected("the token's signature does not verify with the provider's key")
  return decodeJson(payloadPart, 'payload') as JwtClaims
}

export function checkLifetime(claims: JwtClaims, nowSeconds: number): void {
  if (typeof claims.exp !== 'number') throw new TokenRejected('the token has no exp claim')
  if (nowSeconds > claims.exp + CLOCK_LEEWAY_SECONDS) {
    throw new TokenRejected(`the token expired at ${new Date(claims.exp * 1000).toISOString()}`)
  }
  if (typeof claims.nbf === 'number' && nowSeconds + CLOCK_LEEWAY_SECONDS < claims.nbf) {
    throw new TokenRejected('the token is not valid yet (nbf is in the future)')
  }
  if (typeof claims.iat === 'number' && nowSeconds + CLOCK_LEEWAY_SECONDS < claims.iat) {
    throw new TokenRejected('the token was issued in the future (iat)')
  }
}

export function audiences(claims: JwtClaims): string[] {
  if (typeof claims.aud === 'string') return [claims.aud]
  if (Array.isArray(claims.aud)) return claims.aud.filter(aud => typeof aud === 'string')
  return []
}

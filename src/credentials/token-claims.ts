// The two claims of a GitHub ID token that CAM's trust checks compare: not secret, and exactly what
// a user needs to see when STS refuses the token.

export interface TokenFacts {
  aud?: string
  sub?: string
}

/** Reads the JWT payload without verifying it: only to explain a refusal, never to trust it. */
export function tokenFacts(jwt: string): TokenFacts {
  const payload = jwt.split('.')[1]
  if (!payload) return {}
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
    const aud = Array.isArray(claims.aud) ? claims.aud.join(', ') : claims.aud
    return {
      ...(typeof aud === 'string' && { aud }),
      ...(typeof claims.sub === 'string' && { sub: claims.sub })
    }
  } catch {
    return {}
  }
}

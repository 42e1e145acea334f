// Who sent a signed request, or the AuthFailure.* error the real gateway would answer.
import { ApiError, missingParameter } from './api-error.ts'
import type { KeyStore } from './credentials.ts'
import { parseAuthorization, signatureMatches, utcDate, type ArrivedRequest } from './signature.ts'

export interface Identity {
  accountId: string
  secretId: string
  temporary: boolean
}

const MAX_CLOCK_SKEW_SECONDS = 300

export function headerText(request: ArrivedRequest, name: string): string | undefined {
  const raw = request.headers[name]
  return Array.isArray(raw) ? raw[0] : raw
}

export function authenticate(request: ArrivedRequest, keys: KeyStore, nowMs: number): Identity {
  const auth = parseAuthorization(headerText(request, 'authorization') ?? '')
  if (
    !auth ||
    !auth.signedHeaders.includes('content-type') ||
    !auth.signedHeaders.includes('host')
  ) {
    throw new ApiError(
      'AuthFailure.InvalidAuthorization',
      'The Authorization header is missing or malformed; expected `TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<hex>`.'
    )
  }

  const timestampText = headerText(request, 'x-tc-timestamp')
  if (!timestampText) throw missingParameter('X-TC-Timestamp')
  const timestamp = Number(timestampText)
  if (!Number.isInteger(timestamp)) {
    throw new ApiError('InvalidParameter', 'X-TC-Timestamp must be a unix time in seconds.')
  }
  const serverSeconds = Math.floor(nowMs / 1000)
  if (Math.abs(serverSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ApiError(
      'AuthFailure.SignatureExpire',
      `Signature expired. Timestamp: ${timestamp}, server time: ${serverSeconds}; they must be within 5 minutes of each other.`
    )
  }
  if (auth.date !== utcDate(timestamp)) {
    throw new ApiError(
      'AuthFailure.SignatureFailure',
      `The date in the credential scope (${auth.date}) is not the UTC date of X-TC-Timestamp (${utcDate(timestamp)}).`
    )
  }

  const key = keys.resolve(auth.secretId)
  if (!key) {
    throw new ApiError(
      'AuthFailure.SecretIdNotFound',
      'The SecretId is not found, please ensure that your SecretId is correct.'
    )
  }
  if (!signatureMatches(request, auth, timestampText, key.secretKey)) {
    throw new ApiError(
      'AuthFailure.SignatureFailure',
      'The provided credentials could not be validated. Please check your signature is correct.'
    )
  }

  if (key.kind === 'temporary') {
    const token = headerText(request, 'x-tc-token')
    if (!token) {
      throw new ApiError(
        'AuthFailure.TokenFailure',
        'Temporary credentials need their token: the X-TC-Token header is missing.'
      )
    }
    if (token !== key.token) {
      throw new ApiError('AuthFailure.TokenFailure', 'The token in X-TC-Token is invalid.')
    }
    if (nowMs >= key.expiresAtMs) {
      throw new ApiError(
        'AuthFailure.TokenFailure',
        `The temporary credentials have expired (at ${new Date(key.expiresAtMs).toISOString()}).`
      )
    }
  }
  return { accountId: key.accountId, secretId: auth.secretId, temporary: key.kind === 'temporary' }
}

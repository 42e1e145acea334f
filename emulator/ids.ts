// Resource ids and times in the formats the real API uses.
import { randomBytes, randomUUID } from 'node:crypto'

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomChars(length: number, alphabet: string = LOWER_ALNUM): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += alphabet[byte % alphabet.length]
  return out
}

/** e.g. newResourceId('img') -> 'img-k3j9x0aa'. */
export function newResourceId(prefix: string): string {
  return `${prefix}-${randomChars(8)}`
}

export function newMixedCase(length: number): string {
  return randomChars(length, MIXED_ALNUM)
}

export function newRequestId(): string {
  return randomUUID()
}

/** The API's time format: ISO 8601 UTC to the second, e.g. '2026-11-22T08:30:00Z'. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export const RESOURCE_ID_PATTERN = {
  image: /^img-[a-z0-9]{8}$/,
  instance: /^ins-[a-z0-9]{8}$/,
  snapshot: /^snap-[a-z0-9]{8}$/,
  disk: /^disk-[a-z0-9]{8}$/
} as const

// Per-account, per-action request limits over a sliding one-second window, like the API's
// documented "N requests per second" limits. Refused requests do not use up the allowance.
import { requestLimitExceeded } from './api-error.ts'

/** Documented limits; actions not listed get DEFAULT_RATE_LIMIT. */
export const DOCUMENTED_RATE_LIMITS: Readonly<Record<string, number>> = {
  CreateImage: 10,
  DeleteImages: 10,
  SyncImages: 10,
  ModifyImageSharePermission: 10,
  DescribeImageSharePermission: 10,
  DescribeImages: 40,
  DescribeImageQuota: 10,
  AssumeRoleWithWebIdentity: 20,
  AssumeRole: 600
}
export const DEFAULT_RATE_LIMIT = 20

const WINDOW_MS = 1000

export class RateLimiter {
  private readonly limits: Record<string, number> | false
  private readonly accepted = new Map<string, number[]>()

  constructor(limits: Record<string, number> | false | undefined) {
    this.limits = limits === false ? false : { ...DOCUMENTED_RATE_LIMITS, ...limits }
  }

  limitFor(action: string): number | undefined {
    if (this.limits === false) return undefined
    return this.limits[action] ?? DEFAULT_RATE_LIMIT
  }

  /** Throws RequestLimitExceeded when this request would go over the action's limit. */
  admit(accountId: string, action: string, nowMs: number): void {
    const limit = this.limitFor(action)
    if (limit === undefined) return
    const key = `${accountId}\u0000${action}`
    const recent = (this.accepted.get(key) ?? []).filter(at => nowMs - at < WINDOW_MS)
    if (recent.length >= limit) {
      this.accepted.set(key, recent)
      throw requestLimitExceeded(recent.length + 1, limit)
    }
    recent.push(nowMs)
    this.accepted.set(key, recent)
  }
}

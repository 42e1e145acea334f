// Temporary keys that renew themselves ahead of expiry. The SDK asks its credential for keys before
// every request, so a wait longer than the keys' lifetime keeps working.

export interface TemporaryCredentials {
  secretId: string
  secretKey: string
  token: string
  /** Epoch ms after which Tencent Cloud refuses them. */
  expiresAt: number
}

/** At most this long before expiry; short-lived keys renew after three quarters of their life. */
export const MAX_RENEW_MARGIN_MS = 5 * 60_000

export function renewMargin(lifetimeMs: number): number {
  return Math.min(MAX_RENEW_MARGIN_MS, Math.max(0, lifetimeMs / 4))
}

export interface RenewingOptions {
  /** Gets a fresh set, e.g. a new ID token and a new AssumeRole call. */
  fetch: () => Promise<TemporaryCredentials>
  now: () => number
  onRenew?: (credentials: TemporaryCredentials, renewal: number) => void
}

/** The SDK's DynamicCredential: `getCredential()` before each request. */
export class RenewingCredentials {
  private readonly options: RenewingOptions
  private current: { credentials: TemporaryCredentials; renewAt: number } | undefined
  private pending: Promise<TemporaryCredentials> | undefined
  private renewals = 0

  constructor(options: RenewingOptions) {
    this.options = options
  }

  async getCredential(): Promise<{ secretId: string; secretKey: string; token: string }> {
    const current = this.current
    const credentials =
      current && this.options.now() < current.renewAt ? current.credentials : await this.renew()
    return {
      secretId: credentials.secretId,
      secretKey: credentials.secretKey,
      token: credentials.token
    }
  }

  /** Concurrent callers share one renewal instead of each assuming the role. */
  private renew(): Promise<TemporaryCredentials> {
    this.pending ??= this.fetchNext().finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  private async fetchNext(): Promise<TemporaryCredentials> {
    // Counted from before the request, so the margin errs on the early side.
    const requestedAt = this.options.now()
    const credentials = await this.options.fetch()
    const lifetime = credentials.expiresAt - requestedAt
    this.current = { credentials, renewAt: credentials.expiresAt - renewMargin(lifetime) }
    this.options.onRenew?.(credentials, this.renewals++)
    return credentials
  }
}

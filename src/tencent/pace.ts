// Spaces out the calls of one job. Copies are polled in every region at once, and the API's rate
// limits are per account, shared with every other job of that account: a job that polls twenty
// regions in step would spend a second's allowance in one burst. Throttling that still happens
// (other jobs) is retried by withRetry.
import type { Clock } from '../runner/clock.ts'
import type { ApiClient, CallOptions } from './client.ts'

/** At most this many requests per second from the copy and share stages together, and from the cleanup action. */
export const PUBLISH_REQUESTS_PER_SECOND = 10

export class Pacer {
  private readonly clock: Clock
  private readonly intervalMs: number
  private next = -Infinity

  constructor(clock: Clock, requestsPerSecond: number) {
    this.clock = clock
    this.intervalMs = 1000 / requestsPerSecond
  }

  /** Resolves when the caller's turn comes, with how long it waited; turns go in call order. */
  async turn(signal?: AbortSignal): Promise<number> {
    const now = this.clock.now()
    const at = Math.max(now, this.next)
    this.next = at + this.intervalMs
    if (at > now) await this.clock.sleep(at - now, signal)
    return at - now
  }
}

export function paced(api: ApiClient, pacer: Pacer): ApiClient {
  return {
    call: async <T>(action: string, params: object, options: CallOptions = {}) => {
      const waited = await pacer.turn(options.signal)
      // The turn's wait comes out of the time the request may take.
      const timeoutMs = options.timeoutMs === undefined ? undefined : options.timeoutMs - waited
      return api.call<T>(action, params, { ...options, timeoutMs })
    }
  }
}

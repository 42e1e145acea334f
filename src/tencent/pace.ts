// Spaces out the calls of one job. Copies are polled in every region at once, and the API's rate
// limits are per account, shared with every other job of that account: a job that polls twenty
// regions in step would spend a second's allowance in one burst. Throttling that still happens
// (other jobs) is retried by withRetry.
import type { Clock } from './clock.ts'
import type { ApiClient } from './cvm-client.ts'

/** At most this many requests per second from the copy and share stages together. */
export const PUBLISH_REQUESTS_PER_SECOND = 10

export class Pacer {
  private readonly clock: Clock
  private readonly intervalMs: number
  private next = -Infinity

  constructor(clock: Clock, requestsPerSecond: number) {
    this.clock = clock
    this.intervalMs = 1000 / requestsPerSecond
  }

  /** Resolves when the caller's turn comes; turns are handed out in call order. */
  async turn(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now()
    const at = Math.max(now, this.next)
    this.next = at + this.intervalMs
    if (at > now) await this.clock.sleep(at - now, signal)
  }
}

export function paced(api: ApiClient, pacer: Pacer): ApiClient {
  return {
    call: async <T>(action: string, params: object, signal?: AbortSignal) => {
      await pacer.turn(signal)
      return api.call<T>(action, params, signal)
    }
  }
}

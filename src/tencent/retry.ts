import { CancelledError, type Clock, type Random } from '../runner/clock.ts'
import type { ApiClient, CallOptions } from './client.ts'
import { ApiCallError, classify, isRateLimited, isRetryable } from './errors.ts'
import { throttledDelay, type Contention } from './throttle.ts'

export interface RetryPolicy {
  /** First backoff ceiling in ms; doubles per attempt. */
  baseMs: number
  /** Largest backoff ceiling in ms. */
  capMs: number
  /**
   * Throttling answers wait this long plus a jittered backoff that starts at this long too: the
   * API's rate windows are one second, and a fixed pause would send every throttled job back in
   * the same window.
   */
  rateLimitFloorMs: number
  maxAttempts: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 500,
  capMs: 20_000,
  rateLimitFloorMs: 1_000,
  maxAttempts: 10
}

/** Capped exponential backoff with full jitter: a random pause in [0, min(cap, base * 2^n)). */
export function backoffDelay(policy: RetryPolicy, retryIndex: number, random: Random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retryIndex)
  return Math.floor(random() * ceiling)
}

export interface RetryContext {
  clock: Clock
  random: Random
  /** Epoch ms after which no new attempt starts. */
  deadline: number
  signal?: AbortSignal
  policy?: RetryPolicy
  /** The job's memory of throttling, shared by all its calls. */
  contention?: Contention
  onRetry?: (info: { action: string; attempt: number; delayMs: number; error: unknown }) => void
}

export interface Attempt {
  number: number
  /** Errors of the earlier attempts, oldest first. */
  previous: unknown[]
}

/**
 * Runs one API call, retrying what Tencent Cloud says is worth retrying, within the deadline.
 * Throws ApiCallError (the last error, explained) or CancelledError.
 */
export async function withRetry<T>(
  action: string,
  call: (attempt: Attempt) => Promise<T>,
  ctx: RetryContext,
  retryable: (error: unknown) => boolean = isRetryable
): Promise<T> {
  const policy = ctx.policy ?? DEFAULT_RETRY
  const previous: unknown[] = []
  // Only the opening burst is spread: the first CreateImage of a job that was refused on its way
  // there. Later calls (polls, copies, shares) keep their own pace and retries.
  const start =
    action === 'CreateImage' ? (ctx.contention?.beforeFirst(action, ctx.random) ?? 0) : 0
  if (start > 0 && ctx.clock.now() + start < ctx.deadline) await ctx.clock.sleep(start, ctx.signal)
  for (let n = 1; ; n++) {
    if (ctx.signal?.aborted) throw new CancelledError()
    try {
      return await call({ number: n, previous })
    } catch (error) {
      if (error instanceof CancelledError || ctx.signal?.aborted) throw new CancelledError()
      if (error instanceof ApiCallError) throw error
      previous.push(error)
      let delay = backoffDelay(policy, n - 1, ctx.random)
      if (isRateLimited(error)) {
        ctx.contention?.noteThrottled(action, error)
        delay = throttledDelay(error, n - 1, policy.rateLimitFloorMs, policy.capMs, ctx.random)
      }
      const outOfTime = ctx.clock.now() + delay >= ctx.deadline
      if (!retryable(error) || n >= policy.maxAttempts || outOfTime) {
        throw new ApiCallError(action, classify(error), n)
      }
      ctx.onRetry?.({ action, attempt: n, delayMs: delay, error })
      await ctx.clock.sleep(delay, ctx.signal)
    }
  }
}

/**
 * A request that starts at the deadline (the last poll of a wait lands on it) may still take this
 * long to answer; no request outlives it, so a step ends within its time limit and this.
 */
export const REQUEST_GRACE_MS = 5_000

/** A request's share of the context: the cancellation, and the time left plus the grace. */
export function callOptions(ctx: RetryContext): CallOptions {
  return { signal: ctx.signal, timeoutMs: ctx.deadline + REQUEST_GRACE_MS - ctx.clock.now() }
}

/** One API call with retries: the usual way to call the API. */
export function request<T>(
  api: ApiClient,
  action: string,
  params: object,
  ctx: RetryContext
): Promise<T> {
  return withRetry(action, () => api.call<T>(action, params, callOptions(ctx)), ctx)
}

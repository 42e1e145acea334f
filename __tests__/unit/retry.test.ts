import { describe, expect, it } from '@jest/globals'
import { CancelledError } from '../../src/runner/clock.ts'
import { ApiCallError } from '../../src/tencent/errors.ts'
import {
  DEFAULT_RETRY,
  backoffDelay,
  callOptions,
  request,
  withRetry,
  type RetryContext
} from '../../src/tencent/retry.ts'
import { fakeApi, fakeClock, scripted, sdkError, type FakeClock } from '../../__fixtures__/fakes.ts'

function context(
  overrides: Partial<Omit<RetryContext, 'clock'>> & { clock?: FakeClock } = {}
): RetryContext & { clock: FakeClock } {
  const clock = overrides.clock ?? fakeClock()
  return { random: () => 0.5, deadline: clock.now() + 3_600_000, ...overrides, clock }
}

/** A call that fails with the given errors, in order, then answers 'ok'. */
function failing(...errors: Error[]) {
  let n = 0
  const fn = async () => {
    n++
    if (n <= errors.length) throw errors[n - 1]
    return 'ok'
  }
  return Object.assign(fn, { count: () => n })
}

describe('backoffDelay', () => {
  it('is full jitter under a doubling, capped ceiling', () => {
    expect(backoffDelay(DEFAULT_RETRY, 0, () => 0.999)).toBe(499)
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 0.5)).toBe(2_000)
    expect(backoffDelay(DEFAULT_RETRY, 30, () => 0.999)).toBe(19_980)
    expect(backoffDelay(DEFAULT_RETRY, 5, () => 0)).toBe(0)
  })
})

describe('withRetry', () => {
  it.each([
    ['RequestLimitExceeded', sdkError({ code: 'RequestLimitExceeded' })],
    [
      'RequestLimitExceeded.UinLimitExceeded',
      sdkError({ code: 'RequestLimitExceeded.UinLimitExceeded' })
    ],
    ['InternalError.Unknown', sdkError({ code: 'InternalError.Unknown' })],
    ['ResourceInUse', sdkError({ code: 'ResourceInUse' })],
    ['ResourceBusy', sdkError({ code: 'ResourceBusy' })],
    ['ResourceUnavailable.X', sdkError({ code: 'ResourceUnavailable.X' })],
    [
      'an instance operation in progress',
      sdkError({ code: 'OperationDenied.InstanceOperationInProgress' })
    ],
    ['a running task', sdkError({ code: 'MutexOperation.TaskRunning' })],
    ['HTTP 502', sdkError({ httpCode: 502, message: 'Bad Gateway' })],
    ['a timeout', sdkError({ message: 'network timeout at: http://x/' })],
    ['a reset', sdkError({ message: 'request to http://x/ failed, reason: socket hang up' })]
  ])('retries %s', async (_, error) => {
    const ctx = context()
    const call = failing(error, error)
    await expect(withRetry('X', call, ctx)).resolves.toBe('ok')
    expect(call.count()).toBe(3)
    expect(ctx.clock.sleeps).toHaveLength(2)
  })

  it.each([
    ['a signature failure', sdkError({ code: 'AuthFailure.SignatureFailure' })],
    ['an unauthorised operation', sdkError({ code: 'UnauthorizedOperation' })],
    ['a parameter error', sdkError({ code: 'InvalidParameter.SnapshotNotFound' })],
    ['a duplicate name', sdkError({ code: 'InvalidImageName.Duplicate' })],
    ['the quota', sdkError({ code: 'ImageQuotaLimitExceeded' })],
    ['HTTP 400', sdkError({ httpCode: 400 })],
    ['a resource named like a retryable prefix', sdkError({ code: 'InternalErrorX' })]
  ])('never retries %s', async (_, error) => {
    const ctx = context()
    const call = failing(error)
    await expect(withRetry('X', call, ctx)).rejects.toBeInstanceOf(ApiCallError)
    expect(call.count()).toBe(1)
    expect(ctx.clock.sleeps).toHaveLength(0)
  })

  it('waits a second after a rate limit, plus a jittered backoff that starts at a second', async () => {
    const at = async (random: number) => {
      const ctx = context({ random: () => random })
      await withRetry('X', failing(sdkError({ code: 'RequestLimitExceeded' })), ctx)
      return ctx.clock.sleeps
    }
    expect(await at(0)).toEqual([1_000])
    expect(await at(0.5)).toEqual([1_500])
    expect(await at(0.999)).toEqual([1_999])
    const ctx = context({ random: () => 0.999 })
    const throttled = sdkError({ code: 'RequestLimitExceeded' })
    await withRetry('X', failing(throttled, throttled, throttled), ctx)
    expect(ctx.clock.sleeps).toEqual([1_999, 2_998, 4_996])
  })

  it('grows the pauses exponentially', async () => {
    const ctx = context({ random: () => 0.999 })
    const e = sdkError({ code: 'InternalError' })
    await withRetry('X', failing(e, e, e, e), ctx)
    expect(ctx.clock.sleeps).toEqual([499, 999, 1998, 3996])
  })

  it('gives up at the attempt limit, saying how many it made', async () => {
    const ctx = context()
    const e = sdkError({ code: 'InternalError', requestId: 'req-9' })
    const call = failing(...Array(20).fill(e))
    const error = await withRetry('CreateImage', call, ctx).catch(x => x)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(call.count()).toBe(DEFAULT_RETRY.maxAttempts)
    expect(error.message).toContain(`after ${DEFAULT_RETRY.maxAttempts} attempts`)
    expect(error.message).toContain('req-9')
  })

  it('does not start an attempt past the deadline', async () => {
    const clock = fakeClock()
    const ctx = context({ clock, deadline: clock.now() + 1_500, random: () => 0.999 })
    const e = sdkError({ code: 'InternalError' })
    const call = failing(...Array(20).fill(e))
    await expect(withRetry('X', call, ctx)).rejects.toBeInstanceOf(ApiCallError)
    // Pauses of 499 and 999 ms fit before the deadline; the next (1998 ms) would not.
    expect(clock.sleeps).toEqual([499, 999])
    expect(call.count()).toBe(3)
  })

  it('stops at once when cancelled', async () => {
    const abort = new AbortController()
    abort.abort()
    const ctx = context({ signal: abort.signal })
    await expect(withRetry('X', failing(), ctx)).rejects.toBeInstanceOf(CancelledError)
  })

  it('reports each retry', async () => {
    const seen: string[] = []
    const ctx = context({ onRetry: ({ action, attempt }) => seen.push(`${action}#${attempt}`) })
    const e = sdkError({ code: 'InternalError' })
    await withRetry('DescribeImages', failing(e, e), ctx)
    expect(seen).toEqual(['DescribeImages#1', 'DescribeImages#2'])
  })
})

describe('request', () => {
  it('sends each attempt with the cancellation and the time left at that moment', async () => {
    const abort = new AbortController()
    const ctx = context({ signal: abort.signal })
    const first = callOptions(ctx)
    const api = fakeApi(scripted(sdkError({ code: 'InternalError' }), { RequestId: 'r-1' }))
    await expect(request(api, 'DescribeImages', { Limit: 1 }, ctx)).resolves.toEqual({
      RequestId: 'r-1'
    })
    expect(api.calls).toEqual([
      { action: 'DescribeImages', params: { Limit: 1 } },
      { action: 'DescribeImages', params: { Limit: 1 } }
    ])
    expect(api.options).toEqual([
      first,
      { signal: abort.signal, timeoutMs: first.timeoutMs! - 250 }
    ])
    expect(ctx.clock.sleeps).toEqual([250])
    expect(api.options.every(o => o?.signal === abort.signal)).toBe(true)
  })

  it('counts the time left from the deadline', () => {
    const ctx = context()
    const before = callOptions(ctx).timeoutMs!
    ctx.clock.advance(1_000)
    expect(callOptions(ctx).timeoutMs).toBe(before - 1_000)
    expect(callOptions({ ...ctx, deadline: ctx.deadline + 2_000 }).timeoutMs).toBe(before + 1_000)
  })
})

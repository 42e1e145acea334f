import { describe, expect, it } from '@jest/globals'
import { withRetry, type RetryContext } from '../../src/tencent/retry.ts'
import { Contention, parseThrottleAnswer, throttledDelay } from '../../src/tencent/throttle.ts'
import { fakeClock, sdkError } from '../../__fixtures__/fakes.ts'

const answer = (seen: number, limit: number) =>
  `Your current request times equals to \`${seen}\` in a second, which exceeds the frequency limit \`${limit}\` for a second. Please reduce the frequency of calls.`
const throttled = (message?: string) => sdkError({ code: 'RequestLimitExceeded', message })

describe('reading a throttling answer', () => {
  it('reads the count and the limit the API states', () => {
    expect(parseThrottleAnswer(answer(57, 10))).toEqual({ seen: 57, limit: 10 })
    expect(parseThrottleAnswer('request times equals to 41 in a second, limit 40')).toEqual({
      seen: 41,
      limit: 40
    })
  })

  it('reads nothing from other words, a missing figure or a zero limit', () => {
    for (const message of [
      undefined,
      '',
      'Request limit exceeded.',
      'equals to `57` in a second',
      answer(57, 0),
      'equals to `99999999999999999999` in a second, exceeds the frequency limit `10`'
    ]) {
      expect(parseThrottleAnswer(message)).toBeUndefined()
    }
  })
})

describe('the pause after a throttling answer', () => {
  const floor = 1_000
  const cap = 20_000

  it('without a readable answer, is the floor plus up to the floor doubling per retry', () => {
    const error = throttled('Request limit exceeded.')
    expect(throttledDelay(error, 0, floor, cap, () => 0)).toBe(1_000)
    expect(throttledDelay(error, 0, floor, cap, () => 0.999)).toBe(1_999)
    expect(throttledDelay(error, 2, floor, cap, () => 0.5)).toBe(3_000)
  })

  it('opens the window as wide as twice the oversubscription, doubling, capped', () => {
    // 57 in a second against 10: the window starts at 2 x 5.7 s.
    expect(throttledDelay(throttled(answer(57, 10)), 0, floor, cap, () => 0.5)).toBe(6_700)
    // Barely over: at least twice the floor.
    expect(throttledDelay(throttled(answer(11, 10)), 0, floor, cap, () => 0.5)).toBe(2_100)
    expect(throttledDelay(throttled(answer(11, 10)), 1, floor, cap, () => 0.5)).toBe(3_200)
    expect(throttledDelay(throttled(answer(5_000, 10)), 0, floor, cap, () => 0.999)).toBe(20_980)
  })
})

describe('contention carried across calls', () => {
  it('pauses nothing before a job has been refused, or for the action refused itself', () => {
    const contention = new Contention()
    expect(contention.beforeFirst('CreateImage', () => 0.9)).toBe(0)
    contention.noteThrottled('CreateImage', throttled(answer(11, 10)))
    expect(contention.beforeFirst('CreateImage', () => 0.9)).toBe(0)
  })

  it('spreads the first call of a scarcer action over a second per refusal, times the scarcity', () => {
    const contention = new Contention()
    contention.noteThrottled('DescribeImages', throttled(answer(41, 40)))
    // DescribeImages 40/s, CreateImage 10/s (documented): 4 s per refusal.
    expect(contention.beforeFirst('CreateImage', () => 0.5)).toBe(2_000)
    contention.noteThrottled('DescribeImages', throttled())
    expect(contention.beforeFirst('CreateImage', () => 0.5)).toBe(4_000)
    // A less scarce action gets a second per refusal.
    expect(contention.beforeFirst('AssumeRole', () => 0.5)).toBe(1_000)
  })

  it('pauses the first attempt in withRetry, not beyond the deadline', async () => {
    const clock = fakeClock()
    const contention = new Contention()
    contention.noteThrottled('DescribeImages', throttled(answer(41, 40)))
    const ctx: RetryContext = {
      clock,
      random: () => 0.5,
      deadline: clock.now() + 60_000,
      contention
    }
    await withRetry('CreateImage', async () => 'ok', ctx)
    expect(clock.sleeps).toEqual([2_000])

    const late = fakeClock()
    await withRetry('CreateImage', async () => 'ok', {
      ...ctx,
      clock: late,
      deadline: late.now() + 1_000
    })
    expect(late.sleeps).toEqual([])
  })

  it('learns from the refusals withRetry meets', async () => {
    const clock = fakeClock()
    const contention = new Contention()
    let n = 0
    const ctx: RetryContext = { clock, random: () => 0, deadline: clock.now() + 60_000, contention }
    await withRetry(
      'DescribeImages',
      async () => {
        if (n++ === 0) throw throttled(answer(41, 40))
        return 'ok'
      },
      ctx
    )
    expect(contention.beforeFirst('CreateImage', () => 0.5)).toBe(2_000)
  })
})

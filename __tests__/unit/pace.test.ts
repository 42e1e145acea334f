import { describe, expect, it } from '@jest/globals'
import { CancelledError, type Clock } from '../../src/runner/clock.ts'
import { Pacer, paced } from '../../src/tencent/pace.ts'
import { fakeApi } from '../../__fixtures__/fakes.ts'

/** A clock that stands still: each sleep is recorded, so concurrent turns can be compared. */
function stillClock(): Clock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new CancelledError()
      clock.sleeps.push(ms)
    }
  }
  return clock
}

describe('Pacer', () => {
  it('gives callers that come together slots 1/rate apart, in call order', async () => {
    const clock = stillClock()
    const pacer = new Pacer(clock, 10)
    const waited = await Promise.all([pacer.turn(), pacer.turn(), pacer.turn(), pacer.turn()])
    expect(clock.sleeps).toEqual([100, 200, 300])
    expect(waited).toEqual([0, 100, 200, 300])
  })

  it('does not delay a call after a quiet spell', async () => {
    const clock = stillClock()
    const pacer = new Pacer(clock, 10)
    const waited = [await pacer.turn()]
    clock.t = 150
    waited.push(await pacer.turn())
    clock.t = 200
    waited.push(await pacer.turn())
    expect(clock.sleeps).toEqual([50])
    expect(waited).toEqual([0, 0, 50])
  })

  it('paces every call of a wrapped client', async () => {
    const clock = stillClock()
    const api = fakeApi(() => ({}))
    const client = paced(api, new Pacer(clock, 4))
    await Promise.all([client.call('A', {}), client.call('B', {})])
    expect(api.calls.map(c => c.action)).toEqual(['A', 'B'])
    expect(clock.sleeps).toEqual([250])
  })

  it('passes the signal on, and takes the wait for its turn out of the time the request may take', async () => {
    const clock = stillClock()
    const api = fakeApi(() => ({}))
    const client = paced(api, new Pacer(clock, 4))
    const signal = new AbortController().signal
    await Promise.all([
      client.call('A', {}, { signal, timeoutMs: 10_000 }),
      client.call('B', {}, { signal, timeoutMs: 10_000 }),
      client.call('C', {})
    ])
    expect(api.options).toEqual([
      { signal, timeoutMs: 10_000 },
      { signal, timeoutMs: 9_750 },
      { timeoutMs: undefined }
    ])
    expect(api.options[0]!.signal).toBe(signal)
  })

  it('stops waiting when cancelled', async () => {
    const clock = stillClock()
    const pacer = new Pacer(clock, 10)
    await pacer.turn()
    const abort = new AbortController()
    abort.abort()
    await expect(pacer.turn(abort.signal)).rejects.toBeInstanceOf(CancelledError)
  })
})

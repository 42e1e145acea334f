import { describe, expect, it } from '@jest/globals'
import {
  MAX_RENEW_MARGIN_MS,
  RenewingCredentials,
  renewMargin,
  type TemporaryCredentials
} from '../../src/credentials/renewing.ts'
import { fakeClock } from '../../__fixtures__/fakes.ts'

const HOUR = 3600_000

/** Each fetch hands out a numbered set that lives `lifetimeMs` from the fake clock's now. */
function issuer(clock: { now(): number }, lifetimeMs: number) {
  let n = 0
  const fetches: number[] = []
  const fetch = async (): Promise<TemporaryCredentials> => {
    fetches.push(clock.now())
    n++
    return {
      secretId: `id-${n}`,
      secretKey: `key-${n}`,
      token: `token-${n}`,
      expiresAt: clock.now() + lifetimeMs
    }
  }
  return { fetch, fetches }
}

describe('renewMargin', () => {
  it('is a quarter of a short lifetime and at most five minutes', () => {
    expect(renewMargin(4000)).toBe(1000)
    expect(renewMargin(HOUR)).toBe(MAX_RENEW_MARGIN_MS)
    expect(renewMargin(12 * HOUR)).toBe(5 * 60_000)
    expect(renewMargin(-5)).toBe(0)
  })
})

describe('RenewingCredentials', () => {
  it('fetches once and reuses the keys until five minutes before an hour-long expiry', async () => {
    const clock = fakeClock()
    const { fetch, fetches } = issuer(clock, HOUR)
    const renewed: number[] = []
    const source = new RenewingCredentials({
      fetch,
      now: clock.now,
      onRenew: (_, n) => renewed.push(n)
    })
    expect(await source.getCredential()).toEqual({
      secretId: 'id-1',
      secretKey: 'key-1',
      token: 'token-1'
    })
    clock.advance(HOUR - MAX_RENEW_MARGIN_MS - 1)
    expect((await source.getCredential()).secretId).toBe('id-1')
    clock.advance(1)
    expect((await source.getCredential()).token).toBe('token-2')
    expect(fetches).toHaveLength(2)
    expect(renewed).toEqual([0, 1])
  })

  it('renews keys that live seconds after three quarters of their life', async () => {
    const clock = fakeClock()
    const { fetch, fetches } = issuer(clock, 4000)
    const source = new RenewingCredentials({ fetch, now: clock.now })
    await source.getCredential()
    clock.advance(2999)
    expect((await source.getCredential()).secretId).toBe('id-1')
    clock.advance(1)
    expect((await source.getCredential()).secretId).toBe('id-2')
    // A long pause (a poll interval longer than the lifetime) still gets fresh keys.
    clock.advance(60_000)
    expect((await source.getCredential()).secretId).toBe('id-3')
    expect(fetches).toHaveLength(3)
  })

  it('counts the lifetime from before the request, so a slow STS answer renews earlier', async () => {
    const clock = fakeClock()
    let fetches = 0
    const source = new RenewingCredentials({
      now: clock.now,
      fetch: async () => {
        fetches++
        const requestedAt = clock.now()
        clock.advance(2000) // the answer takes 2 s
        return { secretId: 'a', secretKey: 'b', token: 'c', expiresAt: requestedAt + 8000 }
      }
    })
    await source.getCredential()
    // 8 s of life counted from the request: renewed 2 s before expiry, 4 s after the answer.
    clock.advance(3999)
    await source.getCredential()
    expect(fetches).toBe(1)
    clock.advance(1)
    await source.getCredential()
    expect(fetches).toBe(2)
  })

  it('shares one renewal among concurrent callers', async () => {
    const clock = fakeClock()
    let calls = 0
    let release: () => void = () => undefined
    const source = new RenewingCredentials({
      now: clock.now,
      fetch: async () => {
        calls++
        await new Promise<void>(resolve => (release = resolve))
        return { secretId: 'id', secretKey: 'k', token: 't', expiresAt: clock.now() + HOUR }
      }
    })
    const all = Promise.all([
      source.getCredential(),
      source.getCredential(),
      source.getCredential()
    ])
    await Promise.resolve()
    release()
    const results = await all
    expect(calls).toBe(1)
    expect(new Set(results.map(r => r.secretId))).toEqual(new Set(['id']))
  })

  it('tries again on the next request after a failed renewal', async () => {
    const clock = fakeClock()
    let fail = true
    const source = new RenewingCredentials({
      now: clock.now,
      fetch: async () => {
        if (fail) throw new Error('STS is down')
        return { secretId: 'id', secretKey: 'k', token: 't', expiresAt: clock.now() + HOUR }
      }
    })
    await expect(source.getCredential()).rejects.toThrow('STS is down')
    fail = false
    await expect(source.getCredential()).resolves.toMatchObject({ secretId: 'id' })
  })
})

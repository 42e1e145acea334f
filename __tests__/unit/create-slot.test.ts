import { describe, expect, it } from '@jest/globals'
import {
  CreateTurn,
  LEAD_MS,
  MAX_SLOT_JOBS,
  TURN_MS,
  nextTurn,
  parseCreateSlot
} from '../../src/tencent/create-slot.ts'
import { InputError } from '../../src/runner/inputs.ts'
import { fakeClock } from '../../__fixtures__/fakes.ts'

const inputError = (value: string): string => {
  try {
    parseCreateSlot('create-slot', value)
  } catch (error) {
    if (error instanceof InputError) return error.message
    throw error
  }
  throw new Error('expected an InputError')
}

describe('reading create-slot', () => {
  it('reads INDEX/JOBS, as the default strategy expressions give it', () => {
    expect(parseCreateSlot('create-slot', '3/256')).toEqual({ index: 3, jobs: 256 })
    expect(parseCreateSlot('create-slot', '0/1')).toEqual({ index: 0, jobs: 1 })
    expect(parseCreateSlot('create-slot', '300 / 256')).toEqual({ index: 300, jobs: 256 })
  })

  it('reads nothing from an empty value: no turns', () => {
    expect(parseCreateSlot('create-slot', '')).toBeUndefined()
  })

  it('refuses anything else, naming the input and the form', () => {
    for (const value of ['3', '/', '3/', '-1/4', '1.5/4', 'a/b', '3/256/1']) {
      expect(inputError(value)).toMatch(/^Input 'create-slot': must be INDEX\/JOBS/)
    }
    expect(inputError('0/0')).toBe("Input 'create-slot': needs JOBS of at least 1, got '0/0'.")
    expect(inputError(`0/${MAX_SLOT_JOBS + 1}`)).toBe(
      `Input 'create-slot': takes at most ${MAX_SLOT_JOBS} jobs, got ${MAX_SLOT_JOBS + 1}.`
    )
  })
})

describe("a job's turn", () => {
  const now = 1_800_000_012_345

  it('is not taken when the jobs fit in one second of CreateImage together', () => {
    expect(nextTurn(now, { index: 3, jobs: 10 })).toBeUndefined()
    expect(nextTurn(now, { index: 0, jobs: 1 })).toBeUndefined()
    expect(nextTurn(now, { index: 3, jobs: 11 })).toBeDefined()
  })

  it('comes after the lead and within one cycle, where the clock modulo the cycle is its place', () => {
    for (const index of [0, 1, 17, 255]) {
      const turn = nextTurn(now, { index, jobs: 256 })!
      expect(turn.cycleMs).toBe(256 * TURN_MS)
      expect(turn.sendAt).toBeGreaterThanOrEqual(now + LEAD_MS)
      expect(turn.sendAt).toBeLessThan(now + LEAD_MS + turn.cycleMs)
      expect(turn.sendAt % turn.cycleMs).toBe(index * TURN_MS)
      expect(turn.lookUpAt).toBe(turn.sendAt - LEAD_MS)
    }
  })

  it('is the same moment for a job whenever in the cycle it asks, so jobs need not start together', () => {
    const first = nextTurn(now, { index: 40, jobs: 100 })!
    const later = nextTurn(first.sendAt - LEAD_MS - 1_000, { index: 40, jobs: 100 })!
    expect(later.sendAt).toBe(first.sendAt)
  })

  it('takes the place modulo the jobs, as with max-parallel below the matrix size', () => {
    expect(nextTurn(now, { index: 300, jobs: 256 })!.place).toBe(44)
    expect(nextTurn(now, { index: 300, jobs: 256 })!.sendAt).toBe(
      nextTurn(now, { index: 44, jobs: 256 })!.sendAt
    )
  })

  it('lets no more than 10 of a matrix into any second, started at any moment', () => {
    for (const jobs of [11, 50, 256, MAX_SLOT_JOBS]) {
      // Every job asks at its own moment, spread over ten seconds.
      const sends = Array.from(
        { length: jobs },
        (_, index) => nextTurn(now + ((index * 7_919) % 10_000), { index, jobs })!.sendAt
      ).sort((a, b) => a - b)
      for (let i = 10; i < sends.length; i++) {
        // The 11th send after any send is more than a second later: 10 turns of 105 ms.
        expect(sends[i]! - sends[i - 10]!).toBeGreaterThanOrEqual(1_050)
      }
    }
  })
})

describe('waiting for a turn', () => {
  it('holds back until the look-up, then until the send', async () => {
    const clock = fakeClock(1_800_000_000_000)
    const turn = CreateTurn.plan(clock, { index: 5, jobs: 20 })!
    const { lookUpAt, sendAt } = turn.turn
    expect(turn.holdMs).toBe(lookUpAt - clock.now())
    await turn.beforeLookUp()
    expect(clock.now()).toBe(lookUpAt)
    clock.advance(120) // the sign-in and the look-up
    await turn.beforeSend()
    expect(clock.now()).toBe(sendAt)
    // A send that is already late goes at once.
    clock.advance(500)
    await turn.beforeSend()
    expect(clock.sleeps).toHaveLength(2)
  })

  it('plans nothing without a slot or for a small matrix', () => {
    const clock = fakeClock()
    expect(CreateTurn.plan(clock, undefined)).toBeUndefined()
    expect(CreateTurn.plan(clock, { index: 2, jobs: 8 })).toBeUndefined()
  })

  it('gives way to cancellation', async () => {
    const clock = fakeClock()
    const turn = CreateTurn.plan(clock, { index: 5, jobs: 200 })!
    const abort = new AbortController()
    abort.abort()
    await expect(turn.beforeLookUp(abort.signal)).rejects.toThrow('Cancelled')
  })
})

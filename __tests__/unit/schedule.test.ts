import { describe, expect, it } from '@jest/globals'
import { defaultSchedule, pollDelay } from '../../src/image/schedule.ts'

describe('poll schedule', () => {
  it('starts short and grows to the poll interval', () => {
    const s = defaultSchedule(8_000)
    const delays = Array.from({ length: 8 }, (_, i) => pollDelay(s, i, () => 0))
    expect(delays).toEqual([3_000, 4_500, 6_750, 8_000, 8_000, 8_000, 8_000, 8_000])
  })

  it('never waits longer than the poll interval, whatever the jitter', () => {
    const s = defaultSchedule(5_000)
    for (let i = 0; i < 50; i++) {
      for (const r of [0, 0.3, 0.999]) expect(pollDelay(s, i, () => r)).toBeLessThanOrEqual(5_000)
    }
  })

  it('jitters down by at most a fifth', () => {
    const s = defaultSchedule(10_000)
    expect(pollDelay(s, 20, () => 0.999)).toBe(8_002)
    expect(pollDelay(s, 20, () => 0.5)).toBe(9_000)
  })

  it('starts at the interval when it is shorter than the first pause', () => {
    const s = defaultSchedule(200)
    expect(pollDelay(s, 0, () => 0)).toBe(200)
    expect(pollDelay(s, 5, () => 0)).toBe(200)
  })
})

import { describe, expect, it } from '@jest/globals'
import { DEFAULT_POLL_INTERVAL_SECONDS } from '../../src/main/inputs.ts'
import { defaultSchedule } from '../../src/image/schedule.ts'
import { waitForImage } from '../../src/image/wait.ts'
import { runPolling, simulate, WAITERS, type Waiter } from '../../bench/polling.ts'
import { percentile, seededRandom, spread } from '../../bench/stats.ts'
import { checkPolling } from '../../bench/targets.ts'
import { fakeApi, fakeClock } from '../../__fixtures__/fakes.ts'

const waiter = (name: string): Waiter => WAITERS.find(w => w.name === name)!

/** Poll times (ms after CreateImage answered) of a waiter that never sees the image ready. */
function pollTimes(w: Waiter, count: number): number[] {
  const times: number[] = []
  let t = 0
  for (let i = 0; i < count; i++) times.push((t += w.pauseBefore(i, () => 0)))
  return times
}

describe('polling economy simulation', () => {
  it('runs our schedule exactly as the action waits: same polls, same detection time', async () => {
    for (const readyAtMs of [1, 2_999, 3_000, 5_000, 30_000, 123_456, 600_000]) {
      for (const seed of [1, 2, 3]) {
        const simulated = simulate(waiter('this action'), readyAtMs, seededRandom(seed))

        const clock = fakeClock()
        const since = clock.now()
        const api = fakeApi(() => ({
          ImageSet: [
            {
              ImageId: 'img-1',
              ImageState: clock.now() - since >= readyAtMs ? 'NORMAL' : 'CREATING'
            }
          ]
        }))
        const result = await waitForImage(api, 'img-1', {
          clock,
          random: seededRandom(seed),
          deadline: since + 3_600_000,
          since,
          schedule: defaultSchedule(DEFAULT_POLL_INTERVAL_SECONDS * 1000),
          log: () => undefined,
          warn: () => undefined
        })
        expect(result.polls).toBe(simulated.calls)
        expect(result.elapsedMs - readyAtMs).toBe(simulated.delayMs)
      }
    }
  })

  it("polls at the peers' documented times", () => {
    expect(pollTimes(waiter('Packer'), 4)).toEqual([0, 5_000, 10_000, 15_000])
    expect(pollTimes(waiter('Terraform'), 9)).toEqual([
      0, 500, 1_500, 3_500, 7_500, 15_500, 25_500, 35_500, 45_500
    ])
    expect(pollTimes(waiter('AWS CLI waiter'), 3)).toEqual([0, 15_000, 30_000])
    expect(pollTimes(waiter('this action'), 6)).toEqual([
      3_000, 7_500, 14_250, 22_250, 30_250, 38_250
    ])
  })

  it('counts the poll that sees the image, and a poll at the very moment sees it', () => {
    expect(simulate(waiter('Packer'), 5_000, Math.random)).toEqual({ delayMs: 0, calls: 2 })
    expect(simulate(waiter('Packer'), 5_001, Math.random)).toEqual({ delayMs: 4_999, calls: 3 })
    expect(simulate(waiter('AWS CLI waiter'), 0, Math.random)).toEqual({ delayMs: 0, calls: 1 })
  })

  it('gives every waiter the same creation times, and repeats exactly for a seed', () => {
    const options = { creationTimesMs: [5_000], trials: 300, spreadFraction: 0.2, seed: 7 }
    const fixed: Waiter[] = [
      { name: 'a', rule: '', pauseBefore: () => 1 },
      { name: 'b', rule: '', pauseBefore: () => 1 }
    ]
    const [a, b] = runPolling(options, fixed)
    // Polling every 1 ms detects at once: the calls are the drawn creation times themselves.
    expect(a!.calls).toEqual(b!.calls)
    expect(a!.calls.min).toBeGreaterThanOrEqual(4_000)
    expect(a!.calls.max).toBeLessThanOrEqual(6_000)
    expect(runPolling(options)).toEqual(runPolling(options))
  })

  it('judges the targets on means, per creation time', () => {
    const at = (waiterName: string, delay: number, calls: number) => ({
      creationMs: 5_000,
      waiter: waiterName,
      delayMs: spread([delay]),
      calls: spread([calls])
    })
    const checks = checkPolling([
      at('this action', 2_000, 3),
      at('Terraform', 2_500, 5),
      at('Packer', 2_500, 2.5)
    ])
    expect(checks.map(c => [c.target, c.met])).toEqual([
      ["5 s image: detection delay below Terraform's (mean)", true],
      ['5 s image: fewer DescribeImages calls than Packer (mean)', false]
    ])
  })
})

describe('stats', () => {
  it('summarises a spread and interpolates percentiles', () => {
    expect(spread([3, 1, 2, 10])).toEqual({ min: 1, median: 2.5, max: 10, mean: 4, n: 4 })
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48)
    expect(spread([]).n).toBe(0)
  })

  it('draws the same numbers for the same seed, in [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(42))
    expect(Array.from({ length: 5 }, seededRandom(42))).toEqual(a)
    expect(a.every(x => x >= 0 && x < 1)).toBe(true)
    expect(new Set(a).size).toBe(5)
  })
})

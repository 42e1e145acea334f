import { describe, expect, it } from '@jest/globals'
import {
  PROGRESS_CEILING_MS,
  LAST_PERCENT_PAUSE_MS,
  PROGRESS_FLOOR_MS,
  predictEnd,
  progressPause,
  type ProgressSample
} from '../../src/image/sync-progress.ts'
import { waitForImage } from '../../src/image/wait.ts'
import { defaultSchedule } from '../../src/image/schedule.ts'
import { fakeApi, fakeClock } from '../../__fixtures__/fakes.ts'

const t0 = 1_700_000_000_000
const at = (seconds: number, percent: number): ProgressSample => ({
  at: t0 + seconds * 1000,
  percent
})

describe('predictEnd', () => {
  it('waits for enough progress: at least two moving samples and five points', () => {
    expect(predictEnd([])).toBeUndefined()
    expect(predictEnd([at(10, 5)])).toBeUndefined()
    expect(predictEnd([at(10, 1), at(20, 4)])).toBeUndefined()
    // 0% and 100% samples say nothing about the rate.
    expect(predictEnd([at(0, 0), at(10, 0), at(20, 100)])).toBeUndefined()
  })

  it('extrapolates the average rate since the first moving sample', () => {
    // 10 points in 60 s: the last 80 points take 480 s more.
    expect(predictEnd([at(30, 10), at(60, 15), at(90, 20)])).toBe(t0 + (90 + 480) * 1000)
  })

  it('is not thrown by a plateau or a jump in between', () => {
    const steady = predictEnd([at(0, 10), at(100, 30)])
    expect(predictEnd([at(0, 10), at(40, 26), at(60, 26), at(100, 30)])).toBe(steady)
  })
})

describe('progressPause', () => {
  it('keeps the schedule until an end is predicted', () => {
    expect(progressPause([at(3, 1)], t0 + 3_000, 4_500)).toBe(4_500)
  })

  it('halves the time left to the predicted end, no closer than the floor', () => {
    const samples = [at(0, 10), at(60, 20)]
    // End at 60 + 480 s: from 60 s half of 480 s, but no more than the ceiling; from 480 s, 30 s.
    expect(progressPause(samples, t0 + 60_000, 8_000)).toBe(PROGRESS_CEILING_MS)
    expect(progressPause(samples, t0 + 480_000, 8_000)).toBe(30_000)
    // A schedule faster than the floor lowers it.
    expect(progressPause(samples, t0 + 539_000, 200)).toBe(500)
    expect(progressPause(samples, t0 + 539_900, 200)).toBe(200)
    expect(progressPause(samples, t0 + 538_000, 8_000)).toBe(PROGRESS_FLOOR_MS)
  })

  it('at 99% polls every 5 s at most, however far the end seems', () => {
    // 80 points in 24 min: 18 s a point, so the end seems 9 s off and 99% would be polled every 9 s.
    const samples = [at(0, 19), at(1_440, 99)]
    expect(progressPause(samples, t0 + 1_440_000, 8_000)).toBe(LAST_PERCENT_PAUSE_MS)
    expect(progressPause([at(0, 18), at(1_440, 98)], t0 + 1_440_000, 8_000)).toBe(18_000)
    // Overdue at 99%: the back-off stops at the same 5 s; a quicker schedule is kept.
    expect(progressPause(samples, t0 + 1_500_000, 8_000)).toBe(LAST_PERCENT_PAUSE_MS)
    expect(progressPause(samples, t0 + 1_442_000, 1_000)).toBe(1_000)
  })

  it('backs off once the end has passed, up to the schedule pause', () => {
    const samples = [at(0, 10), at(60, 20)]
    const end = t0 + 540_000
    expect(progressPause(samples, end + 2_000, 8_000)).toBe(PROGRESS_FLOOR_MS)
    expect(progressPause(samples, end + 10_000, 8_000)).toBe(5_000)
    expect(progressPause(samples, end + 60_000, 8_000)).toBe(8_000)
  })
})

describe('waitForImage by SyncPercent', () => {
  /** A copy that takes 10 minutes, its percentage rising steadily; polled one way or the other. */
  async function tenMinuteCopy(bySyncPercent: boolean) {
    const clock = fakeClock(t0)
    const doneAt = t0 + 600_000
    const api = fakeApi(() => {
      const now = clock.now()
      const percent = Math.min(99, Math.floor(((now - t0) / 600_000) * 100))
      return {
        ImageSet: [
          now >= doneAt
            ? { ImageId: 'img-copy0001', ImageState: 'NORMAL', SyncPercent: 100 }
            : { ImageId: 'img-copy0001', ImageState: 'SYNCING', SyncPercent: percent }
        ]
      }
    })
    const result = await waitForImage(api, 'img-copy0001', {
      clock,
      random: () => 0.5,
      deadline: t0 + 3_600_000,
      since: t0,
      schedule: defaultSchedule(8_000),
      log: () => undefined,
      warn: () => undefined,
      bySyncPercent
    })
    return {
      polls: result.polls,
      delayMs: clock.now() - doneAt,
      longest: Math.max(...clock.sleeps)
    }
  }

  it('polls a 10-minute copy at most a third as often as the schedule, noticing the end as soon', async () => {
    const schedule = await tenMinuteCopy(false)
    const progress = await tenMinuteCopy(true)
    expect(progress.polls * 3).toBeLessThanOrEqual(schedule.polls)
    expect(progress.delayMs).toBeLessThanOrEqual(Math.max(schedule.delayMs, PROGRESS_FLOOR_MS))
    expect(progress.longest).toBeLessThanOrEqual(PROGRESS_CEILING_MS)
  })

  it('cuts a long pause at the deadline', async () => {
    const clock = fakeClock(t0)
    const api = fakeApi(() => {
      const percent = Math.min(99, Math.floor(((clock.now() - t0) / 6_000_000) * 100))
      return {
        ImageSet: [{ ImageId: 'img-copy0001', ImageState: 'SYNCING', SyncPercent: percent }]
      }
    })
    const error: Error = await waitForImage(api, 'img-copy0001', {
      clock,
      random: () => 0.5,
      deadline: t0 + 900_000,
      since: t0,
      schedule: defaultSchedule(8_000),
      log: () => undefined,
      warn: () => undefined,
      bySyncPercent: true
    }).then(
      () => new Error('the wait ended without a timeout'),
      (e: unknown) => e as Error
    )
    expect(error.message).toContain('wait-timeout-seconds ran out')
    expect(clock.now()).toBe(t0 + 900_000)
  })
})

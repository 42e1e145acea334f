import type { Random } from './clock.ts'

export interface PollSchedule {
  /** Pause before the first poll. */
  initialMs: number
  /** Each pause is this many times the last... */
  factor: number
  /** ...up to this, the longest pause between two polls (poll-interval-seconds). */
  maxMs: number
  /** Pauses are shortened by up to this fraction at random, so parallel jobs do not poll in step. */
  jitter: number
}

export function defaultSchedule(maxMs: number): PollSchedule {
  return { initialMs: Math.min(2_000, maxMs), factor: 1.5, maxMs, jitter: 0.2 }
}

/** The pause before poll number `index` (0 is the first poll after the image was created). */
export function pollDelay(schedule: PollSchedule, index: number, random: Random): number {
  const grown = Math.min(schedule.maxMs, schedule.initialMs * schedule.factor ** index)
  return Math.round(grown * (1 - schedule.jitter * random()))
}

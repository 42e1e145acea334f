import type { Random } from '../runner/clock.ts'

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

/**
 * The first poll waits 3 s: no image is ready sooner, and a poll at 2 s was spent for nothing.
 * BENCHMARKS.md compares this schedule with Packer's, Terraform's and the AWS CLI's.
 */
export function defaultSchedule(maxMs: number): PollSchedule {
  return { initialMs: Math.min(3_000, maxMs), factor: 1.5, maxMs, jitter: 0.2 }
}

/** The pause before poll number `index` (0 is the first poll after the image was created). */
export function pollDelay(schedule: PollSchedule, index: number, random: Random): number {
  const grown = Math.min(schedule.maxMs, schedule.initialMs * schedule.factor ** index)
  return Math.round(grown * (1 - schedule.jitter * random()))
}

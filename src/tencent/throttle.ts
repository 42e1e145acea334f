// What a throttling answer says, and what one job does with it. The limits are per account and
// action, shared by every job of the account: a matrix of hundreds of jobs that all look their
// names up and send CreateImage in the same second is refused mostly, and refused jobs that come
// back together are refused again. BENCHMARKS.md measures each rule below on simulated matrices.
import type { Random } from '../runner/clock.ts'
import { classify } from './errors.ts'

export interface ThrottleAnswer {
  /** Requests the API counted in the second, this one included. */
  seen: number
  /** The action's limit per second. */
  limit: number
}

/** The API's documented limits per second, for an action this job has not been refused yet. */
export const DOCUMENTED_LIMITS: Readonly<Record<string, number>> = {
  CreateImage: 10,
  DeleteImages: 10,
  SyncImages: 10,
  ModifyImageSharePermission: 10,
  DescribeImageSharePermission: 10,
  DescribeImageQuota: 10,
  DescribeImages: 40
}

const ANSWER = /equals to\s*`?(\d+)`?\s*in a second[^`\d]*`?(\d+)`?/i

/**
 * "Your current request times equals to `N` in a second, which exceeds the frequency limit `L`
 * for a second." Undefined when the message does not say both in that form, or says nonsense.
 */
export function parseThrottleAnswer(message: string | undefined): ThrottleAnswer | undefined {
  const match = ANSWER.exec(message ?? '')
  if (!match) return undefined
  const seen = Number(match[1])
  const limit = Number(match[2])
  if (!Number.isSafeInteger(seen) || !Number.isSafeInteger(limit) || limit < 1 || seen < 1) {
    return undefined
  }
  return { seen, limit }
}

/**
 * A readable answer opens the retry window this many times as wide as the second was
 * oversubscribed: in the simulated matrices a wider window refuses fewer calls and pushes p95 out.
 */
const OVERSUBSCRIBED_WINDOWS = 2

/**
 * How long a throttled call waits before its next attempt: the floor (the rate windows are one
 * second), then a random part over a window that doubles per retry and starts as long as the
 * answer says the second was oversubscribed (twice seen / limit seconds, at least twice the floor).
 * Without a readable answer the window starts at the floor, as it did before answers were read.
 */
export function throttledDelay(
  error: unknown,
  retryIndex: number,
  floorMs: number,
  capMs: number,
  random: Random
): number {
  const answer = parseThrottleAnswer(classify(error).message)
  const startMs = answer
    ? OVERSUBSCRIBED_WINDOWS * Math.max(floorMs, (answer.seen / answer.limit) * 1000)
    : floorMs
  const window = Math.min(capMs, startMs * 2 ** retryIndex)
  return floorMs + Math.floor(random() * window)
}

/**
 * One job's memory of throttling, across its calls. A job whose look-up was refused has learnt
 * that many jobs of the account started with it; its CreateImage, whose limit is a quarter of
 * DescribeImages', would be refused the same way. So the next call of a scarcer action starts at a
 * random moment over the window the refusals suggest, instead of with the crowd.
 */
export class Contention {
  /** Throttling answers this job had, by action. */
  private readonly refusals = new Map<string, number>()
  /** The lowest limit seen per action, from the answers. */
  private readonly limits = new Map<string, number>()

  noteThrottled(action: string, error: unknown): void {
    this.refusals.set(action, (this.refusals.get(action) ?? 0) + 1)
    const answer = parseThrottleAnswer(classify(error).message)
    if (answer) this.limits.set(action, answer.limit)
  }

  /**
   * The pause before the first attempt of `action`: random over a window of one second per
   * refusal the job has had elsewhere, scaled by how much scarcer this action is (when both limits
   * are known). Zero while the job has not been refused.
   */
  beforeFirst(action: string, random: Random): number {
    let windowMs = 0
    for (const [other, count] of this.refusals) {
      if (other === action) continue
      const otherLimit = this.limits.get(other) ?? DOCUMENTED_LIMITS[other]
      const ours = this.limits.get(action) ?? DOCUMENTED_LIMITS[action]
      const scarcity = otherLimit && ours ? Math.max(1, otherLimit / ours) : 1
      windowMs = Math.max(windowMs, count * scarcity * 1000)
    }
    return windowMs > 0 ? Math.floor(random() * windowMs) : 0
  }
}

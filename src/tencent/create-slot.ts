// Turns for CreateImage across the jobs of one matrix. Every job of the account shares
// CreateImage's 10 a second and DescribeImages' 40 a second; a matrix of 256 jobs that all sign in,
// look their names up and send CreateImage in the same second is mostly refused, and no job can
// tell it is in a crowd before its first call is. The matrix can tell: `strategy.job-index` and
// `strategy.max-parallel` give each job its own place. Each job sends CreateImage in its own
// turn of a cycle that every job computes alike from the wall clock (runners keep it by NTP), so
// at most 10 turns fall in any second whenever the jobs start, and signs in and looks its name up
// just before. BENCHMARKS.md measures it on simulated matrices and on real processes.
import { CancelledError, type Clock } from '../runner/clock.ts'
import { InputError } from '../runner/inputs.ts'
import { DOCUMENTED_LIMITS } from './throttle.ts'

export interface CreateSlot {
  /** This job's place, 0-based; taken modulo `jobs`. */
  index: number
  /** How many jobs run at once. */
  jobs: number
}

/** CreateImage's documented limit per second and account. */
export const CREATES_PER_SECOND = DOCUMENTED_LIMITS['CreateImage']!
/**
 * One turn: a tenth of a second and 5 ms, so that ten turns in a row span more than the API's
 * one-second window even when one request travels 25 ms faster than another, or one runner's
 * clock is that far off. A wider turn costs time: 256 jobs take 256 turns (BENCHMARKS.md).
 */
export const TURN_MS = 1000 / CREATES_PER_SECOND + 5
/** Sign-in and the look-up of the name start this long before the turn. */
export const LEAD_MS = 1000
/** Beyond this the cycle (jobs x 110 ms) would hold a job back for minutes. */
export const MAX_SLOT_JOBS = 1000

const SLOT = /^(\d+)\s*\/\s*(\d+)$/

/**
 * `INDEX/JOBS`, as the default `${{ strategy.job-index }}/${{ strategy.max-parallel }}` gives it;
 * '' for no turns.
 */
export function parseCreateSlot(input: string, value: string): CreateSlot | undefined {
  if (value === '') return undefined
  const match = SLOT.exec(value)
  if (!match) {
    throw new InputError(
      input,
      `must be INDEX/JOBS (this job's place, 0-based, and how many jobs run at once, such as '3/256'), or empty for no turns; got '${value}'.`
    )
  }
  const index = Number(match[1])
  const jobs = Number(match[2])
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(jobs) || jobs < 1) {
    throw new InputError(input, `needs JOBS of at least 1, got '${value}'.`)
  }
  if (jobs > MAX_SLOT_JOBS) {
    throw new InputError(input, `takes at most ${MAX_SLOT_JOBS} jobs, got ${jobs}.`)
  }
  return { index, jobs }
}

export interface Turn {
  /** When to sign in and look the name up (epoch ms). */
  lookUpAt: number
  /** When to send CreateImage (epoch ms). */
  sendAt: number
  /** The whole cycle: every job's turn comes once in it. */
  cycleMs: number
  /** This job's place in the cycle. */
  place: number
}

/**
 * This job's next turn after the lead from `nowMs`: the turns of place p fall where the wall
 * clock, modulo the cycle, is p turns. Undefined when the jobs fit in one second's allowance
 * together, so that turns would only cost time. A job whose turn has just passed waits a whole
 * cycle: going at once instead was measured to refuse more jobs than it saved time.
 */
export function nextTurn(nowMs: number, slot: CreateSlot): Turn | undefined {
  if (slot.jobs <= CREATES_PER_SECOND) return undefined
  const place = slot.index % slot.jobs
  const cycleMs = slot.jobs * TURN_MS
  const earliest = nowMs + LEAD_MS
  const sendAt = earliest + mod(place * TURN_MS - earliest, cycleMs)
  return { lookUpAt: sendAt - LEAD_MS, sendAt, cycleMs, place }
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m
}

/** Waits for the moments of one turn: the look-up first, then the send. */
export class CreateTurn {
  readonly turn: Turn
  private readonly clock: Clock

  private constructor(clock: Clock, turn: Turn) {
    this.clock = clock
    this.turn = turn
  }

  /** Undefined when this job needs no turn. */
  static plan(clock: Clock, slot: CreateSlot | undefined): CreateTurn | undefined {
    const turn = slot && nextTurn(clock.now(), slot)
    return turn ? new CreateTurn(clock, turn) : undefined
  }

  /** How long the job holds back before it signs in. */
  get holdMs(): number {
    return Math.max(0, this.turn.lookUpAt - this.clock.now())
  }

  beforeLookUp(signal?: AbortSignal): Promise<void> {
    return this.until(this.turn.lookUpAt, signal)
  }

  beforeSend(signal?: AbortSignal): Promise<void> {
    return this.until(this.turn.sendAt, signal)
  }

  private async until(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError()
    const ms = at - this.clock.now()
    if (ms > 0) await this.clock.sleep(ms, signal)
  }
}

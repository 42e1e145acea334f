// Polling a copy by what the cloud says: SyncPercent. A copy of a large image takes many minutes,
// and its percentage rises at a rate that, averaged since the first sample, predicts the end.
// Polls then halve the time left to that end (each poll refines the prediction, and an end that
// comes early is still met within half of what was left), and back off geometrically once the
// predicted end has passed without the copy being ready. At 99% the rate says nothing more, and
// polls come every few seconds until the copy is NORMAL.

export interface ProgressSample {
  /** Epoch ms of the poll. */
  at: number
  /** SyncPercent, 0 to 100. */
  percent: number
}

/** Progress below this many points says too little about the rate (percent is a whole number). */
export const MIN_PROGRESS_POINTS = 5
/** Near the predicted end, polls come no closer than this (or the schedule's pause, if shorter). */
export const PROGRESS_FLOOR_MS = 3_000
/**
 * However far the end, a poll at least this often (or the schedule's pause, if longer): a
 * prediction can be wrong, and the progress lines come with the polls, about once a minute.
 */
export const PROGRESS_CEILING_MS = 60_000
/**
 * The last percentage before NORMAL: a copy can sit there a while and turn NORMAL at any poll, and
 * the rate no longer says when (a 30-minute copy spends 18 s on each point).
 */
export const LAST_PERCENT = 99
/** At LAST_PERCENT, polls come at least this often (or as the schedule, if that is quicker). */
export const LAST_PERCENT_PAUSE_MS = 5_000

/** Epoch ms the copy should reach 100%, or undefined while the samples cannot tell. */
export function predictEnd(samples: readonly ProgressSample[]): number | undefined {
  const moving = samples.filter(s => s.percent > 0 && s.percent < 100)
  if (moving.length < 2) return undefined
  const first = moving[0]!
  const last = moving[moving.length - 1]!
  const points = last.percent - first.percent
  const span = last.at - first.at
  if (points < MIN_PROGRESS_POINTS || span <= 0) return undefined
  const perMs = points / span
  return last.at + (100 - last.percent) / perMs
}

/**
 * The pause before the next poll of a copy: the schedule's own pause until the samples predict an
 * end; then half the time left to it, between the floor and the ceiling; once the end has passed,
 * half the time it is overdue, between the floor and the schedule's pause; and at 99% no more than
 * LAST_PERCENT_PAUSE_MS. A schedule faster than the floor (a short poll-interval-seconds) lowers
 * the floor: the user asked for quick polls.
 */
export function progressPause(
  samples: readonly ProgressSample[],
  now: number,
  schedulePause: number
): number {
  const end = predictEnd(samples)
  if (end === undefined) return schedulePause
  const floor = Math.min(PROGRESS_FLOOR_MS, schedulePause)
  const ceiling = Math.max(PROGRESS_CEILING_MS, schedulePause)
  const left = end - now
  const pause =
    left > 0
      ? Math.min(ceiling, Math.max(floor, Math.round(left / 2)))
      : Math.min(schedulePause, Math.max(floor, Math.round(-left / 2)))
  const latest = samples[samples.length - 1]!.percent
  return latest >= LAST_PERCENT && latest < 100
    ? Math.min(pause, schedulePause, LAST_PERCENT_PAUSE_MS)
    : pause
}

// The words of the progress lines of a wait: where an image, or each copy of it, has got to.
import type { Clock } from '../runner/clock.ts'
import { formatDuration } from '../runner/format.ts'
import { Heartbeat, type Tally } from '../runner/progress.ts'
import { IMAGE_STATE, NOT_LISTED } from './states.ts'
import type { WaitProgress } from './wait.ts'

/** A state as people read it: 'SYNCING 45%' while a copy is on its way, else the state. */
export function stateWithPercent(state: string, syncPercent?: number): string {
  if (state === NOT_LISTED) return 'not listed yet'
  return state === IMAGE_STATE.syncing && syncPercent !== undefined
    ? `${state} ${syncPercent}%`
    : state
}

/** 'img-abc is still CREATING after 2m 5s (17 polls).' */
export function waitLine(imageId: string, progress: WaitProgress, elapsedMs: number): string {
  const state = stateWithPercent(progress.state, progress.image?.SyncPercent)
  return `${imageId} is still ${state} after ${formatDuration(elapsedMs)} (${polls(progress.polls)}).`
}

export interface RegionProgress {
  region: string
  state: string
  syncPercent?: number
}

/** 'Copies after 1m 2s (14 polls): ap-shanghai SYNCING 45%, ap-beijing NORMAL.' */
export function copiesLine(
  regions: RegionProgress[],
  elapsedMs: number,
  pollCount: number
): string {
  const states = regions.map(r => `${r.region} ${stateWithPercent(r.state, r.syncPercent)}`)
  return `Copies after ${formatDuration(elapsedMs)} (${polls(pollCount)}): ${states.join(', ')}.`
}

function polls(n: number): string {
  return `${n} poll${n === 1 ? '' : 's'}`
}

/** After each poll of one image's wait: count it, and say where it is about once a minute. */
export function waitProgressLines(
  clock: Clock,
  intervalMs: number,
  log: (message: string) => void,
  tally: Tally,
  imageId: string,
  progress: WaitProgress
): () => void {
  const heartbeat = new Heartbeat(clock, intervalMs, log, ms => waitLine(imageId, progress, ms))
  return () => {
    tally.polls++
    heartbeat.beat()
  }
}

/**
 * After each poll of any copy: count it, and say about once a minute where every copy is. The
 * copies' records say it for regions not polled yet (a reused copy that is ready is never polled).
 */
export function copyProgressLines(
  clock: Clock,
  intervalMs: number,
  log: (message: string) => void,
  tally: Tally,
  copies: readonly RegionProgress[]
): (region: string, progress: WaitProgress) => void {
  const polled = new Map<string, WaitProgress>()
  let count = 0
  const now = (): RegionProgress[] =>
    copies.map(copy => {
      const seen = polled.get(copy.region)
      return seen
        ? { region: copy.region, state: seen.state, syncPercent: seen.image?.SyncPercent }
        : copy
    })
  const heartbeat = new Heartbeat(clock, intervalMs, log, ms => copiesLine(now(), ms, count))
  return (region, progress) => {
    polled.set(region, progress)
    count++
    tally.polls++
    heartbeat.beat()
  }
}

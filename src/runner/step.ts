// What every step does with the runner, whichever action it belongs to: take its clock,
// randomness and environment from the world, and stop when the runner cancels the job.
import { systemClock, type Clock, type Random } from './clock.ts'
import type { Env } from './inputs.ts'
import { log } from './log.ts'

/** What a step takes from the world, so tests can give it a clock, randomness and environment. */
export interface StepDeps {
  clock: Clock
  random: Random
  env: Env
}

export function realDeps(): StepDeps {
  return { clock: systemClock, random: Math.random, env: process.env }
}

export interface Cancellation {
  signal: AbortSignal
  /** Stops listening for the runner's signals. */
  dispose(): void
}

/**
 * The runner sends SIGINT on cancellation, SIGTERM 7.5 s later and kills the step 2.5 s after
 * that. Node would exit at once on SIGINT; instead every wait and request is aborted, so the step
 * can say where it was and exit by itself.
 */
export function cancelOnSignals(): Cancellation {
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info(`Received ${signal}: stopping.`)
    cancel.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: cancel.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

// The job summary, written the one way: after the outcome is decided, and never able to change
// it. A summary that cannot be written (GITHUB_STEP_SUMMARY unusable) only warns.
import * as core from '@actions/core'
import type { Env } from './inputs.ts'
import { log } from './log.ts'

export type Summary = typeof core.summary

export async function writeJobSummary(
  build: (summary: Summary) => void,
  env: Env = process.env
): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) return
  try {
    build(core.summary)
    await core.summary.write()
  } catch (error) {
    core.summary.emptyBuffer()
    log.warning(
      `The job summary could not be written (${error instanceof Error ? error.message : String(error)}); the step's outcome and outputs stand.`,
      'Job summary not written'
    )
  }
}

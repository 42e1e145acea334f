// Provenance tags: which repository, commit, ref and workflow run made an image, so an image in
// the console leads back to its build, and the cleanup action can select by them.
import { readFileSync } from 'node:fs'
import type { Env } from '../runner/inputs.ts'
import { MAX_TAGS, TAG_CHARS, TAG_VALUE_MAX, type Tag } from './tags.ts'

/** What the runner tells a step about the run, from its environment and the event payload. */
export interface RunContext {
  repository?: string
  sha?: string
  ref?: string
  runId?: string
  runAttempt?: string
  pullRequest?: number
}

export const PROVENANCE_KEYS = {
  repository: 'github:repository',
  sha: 'github:sha',
  ref: 'github:ref',
  runId: 'github:run-id',
  runAttempt: 'github:run-attempt',
  pullRequest: 'github:pull-request'
} as const

/** Reads GITHUB_* and the pull-request number from the event payload GITHUB_EVENT_PATH names. */
export function readRunContext(
  env: Env,
  readFile: (path: string) => string = path => readFileSync(path, 'utf8')
): RunContext {
  const value = (name: string): string | undefined => env[name]?.trim() || undefined
  return {
    repository: value('GITHUB_REPOSITORY'),
    sha: value('GITHUB_SHA'),
    ref: value('GITHUB_REF'),
    runId: value('GITHUB_RUN_ID'),
    runAttempt: value('GITHUB_RUN_ATTEMPT'),
    pullRequest: pullRequestNumber(env, readFile)
  }
}

function pullRequestNumber(env: Env, readFile: (path: string) => string): number | undefined {
  const path = env.GITHUB_EVENT_PATH
  if (!path) return undefined
  let event: { pull_request?: { number?: unknown } } | undefined
  try {
    event = JSON.parse(readFile(path)) as typeof event
  } catch {
    // No payload (a local run) or not JSON: the number is simply unknown.
    return undefined
  }
  const n = event?.pull_request?.number
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined
}

/** Tencent Cloud allows only some characters in tag values, and at most 255 of them. */
export function tagValue(text: string): string {
  const allowed = [...text].map(c => (TAG_CHARS.test(c) ? c : '_'))
  return allowed.slice(0, TAG_VALUE_MAX).join('').trim()
}

export function provenanceTags(run: RunContext): Tag[] {
  const values: [string, string | undefined][] = [
    [PROVENANCE_KEYS.repository, run.repository],
    [PROVENANCE_KEYS.sha, run.sha],
    [PROVENANCE_KEYS.ref, run.ref],
    [PROVENANCE_KEYS.runId, run.runId],
    [PROVENANCE_KEYS.runAttempt, run.runAttempt],
    [PROVENANCE_KEYS.pullRequest, run.pullRequest?.toString()]
  ]
  return values
    .map(([Key, raw]) => ({ Key, Value: tagValue(raw ?? '') }))
    .filter(tag => tag.Value !== '')
}

export interface MergedTags {
  tags: Tag[]
  /** Provenance tags the user's tags set themselves. */
  overridden: string[]
  /** Provenance tags left out because the image would have more than 50 tags. */
  dropped: string[]
}

/** The user's tags first and unchanged; provenance fills what they leave of the 50 allowed. */
export function mergeTags(user: Tag[], provenance: Tag[]): MergedTags {
  const userKeys = new Set(user.map(tag => tag.Key))
  const overridden = provenance.filter(tag => userKeys.has(tag.Key)).map(tag => tag.Key)
  const extra = provenance.filter(tag => !userKeys.has(tag.Key))
  const room = Math.max(0, MAX_TAGS - user.length)
  return {
    tags: [...user, ...extra.slice(0, room)],
    overridden,
    dropped: extra.slice(room).map(tag => tag.Key)
  }
}

/** The user's tags plus this run's provenance, saying what was left out and why. */
export function tagsWithProvenance(user: Tag[], env: Env, warn: (message: string) => void): Tag[] {
  const merged = mergeTags(user, provenanceTags(readRunContext(env)))
  if (merged.dropped.length > 0) {
    warn(
      `Input 'tags' sets ${user.length} tags and an image takes at most ${MAX_TAGS}: provenance tags ${merged.dropped.join(', ')} were left out.`
    )
  }
  return merged.tags
}

// The post step: cleanup-on-failure. The runner gives a cancelled step 7.5 s before SIGTERM and
// 2.5 s more before it kills it, while an image being made cannot be deleted until it leaves
// CREATING, which takes minutes. So the main step only records what it created; this step, which
// the runner starts after the main step however it ended (post-if: always()), deletes it.
import * as core from '@actions/core'
import { connect, loggedRetry, readMaskedInputs } from './connect.ts'
import { Transport, type ApiClient } from './cvm-client.ts'
import { findOwnImage } from './create.ts'
import { BUSY_STATES, isBusy, unshareAndDelete, waitUntilIdle, type IdleContext } from './delete.ts'
import { ActionFailure, ApiCallError } from './errors.ts'
import { INPUT_NAMES, parseInputs, type Config, type Env } from './inputs.ts'
import { InputError } from './parse.ts'
import { regionalClients } from './regional-clients.ts'
import { redactSecrets } from './secrets.ts'
import { realDeps, type StepDeps } from './step.ts'
import { formatDuration } from './wait.ts'

const STATE_IS_POST = 'isPost'
const STATE_CREATED = 'created-image-id'
const STATE_OUTCOME = 'outcome'
const STATE_COPIES = 'copies'
const STATE_PENDING = 'pending-create'
/** Outcomes after which an image the run created stays. */
const KEPT_OUTCOMES = new Set(['ready', 'created', 'dry-run'])
/** Time for the API calls themselves, on top of the wait for the image. */
const CALL_MARGIN_MS = 120_000
const POLL_MS = 5_000
const HOW_IT_ENDED: Record<string, string> = { failed: 'failed', cancelled: 'was cancelled' }

/** dist/index.js is both entries: the main step marks the state, so the post step knows itself. */
export function isPostStep(env: Env): boolean {
  return env[`STATE_${STATE_IS_POST}`] === 'true'
}

export function markMainStep(): void {
  core.saveState(STATE_IS_POST, 'true')
}

/** Saved the moment the image exists, so a main step killed mid-wait still hands it over. */
export function rememberCreatedImage(imageId: string): void {
  core.saveState(STATE_CREATED, imageId)
}

interface PendingCreate {
  name: string
  notBefore: number
  preexisting: string[]
}

/**
 * Saved before the first CreateImage is sent: if the run ends before it learns the image id (a
 * cancellation while the request is in flight or between retries), the post step can still find
 * the image that request made, by name, among those that were not there before.
 */
export function rememberPendingCreate(pending: PendingCreate): void {
  core.saveState(STATE_PENDING, JSON.stringify(pending))
}

function savedPendingCreate(env: Env): PendingCreate | undefined {
  try {
    const pending = JSON.parse(env[`STATE_${STATE_PENDING}`] || 'null') as PendingCreate | null
    return pending && typeof pending.name === 'string' ? pending : undefined
  } catch {
    return undefined
  }
}

/** Copies made in other regions (copy-to-regions), saved as soon as SyncImages names them. */
export function rememberCopies(copies: { region: string; imageId: string }[]): void {
  core.saveState(STATE_COPIES, JSON.stringify(copies))
}

function savedCopies(env: Env): { region: string; imageId: string }[] {
  try {
    const copies = JSON.parse(env[`STATE_${STATE_COPIES}`] || '[]') as unknown
    return Array.isArray(copies) ? (copies as { region: string; imageId: string }[]) : []
  } catch {
    return []
  }
}

export function rememberOutcome(outcome: string): void {
  core.saveState(STATE_OUTCOME, outcome)
}

/** What the main step says about an image it leaves behind on failure. */
export function cleanupNote(config: Config, imageId: string, state: string): string {
  if (!config.lifecycle.cleanupOnFailure) {
    return `Image ${imageId} is left in place (cleanup-on-failure is false).`
  }
  const wait =
    BUSY_STATES.has(state) && config.lifecycle.cleanupWaitMs > 0
      ? `, waiting up to ${formatDuration(config.lifecycle.cleanupWaitMs)} for it to leave ${state}`
      : ''
  const copies = config.publish.regions.length > 0 ? ' and the copies it made' : ''
  return `cleanup-on-failure: the post step deletes ${imageId}${copies}${wait}.`
}

export async function runPost(deps: StepDeps = realDeps()): Promise<void> {
  let imageId = deps.env[`STATE_${STATE_CREATED}`] ?? ''
  const outcome = deps.env[`STATE_${STATE_OUTCOME}`] ?? ''
  const pending = imageId === '' ? savedPendingCreate(deps.env) : undefined
  const copies = savedCopies(deps.env)
  // Nothing made (or a reused image and no copies), or a run that ended well: nothing to do.
  if ((imageId === '' && !pending && copies.length === 0) || KEPT_OUTCOMES.has(outcome)) return

  const raw = readMaskedInputs(INPUT_NAMES, deps.env)
  let config: Config
  try {
    config = parseInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) return
    throw error
  }
  if (!config.lifecycle.cleanupOnFailure) return

  const transport = new Transport()
  const start = deps.clock.now()
  const lines: string[] = []
  const log = (line: string): void => {
    core.info(line)
    lines.push(line)
  }
  let what = imageId || 'the images this run made'
  try {
    const ctx = {
      ...loggedRetry({
        clock: deps.clock,
        random: deps.random,
        deadline: start + config.lifecycle.cleanupWaitMs + CALL_MARGIN_MS
      }),
      log,
      pollMs: Math.min(POLL_MS, config.pollIntervalMs),
      until: start + config.lifecycle.cleanupWaitMs
    }
    const session = await connect(
      { plan: config.credentials, region: config.region, endpoint: config.endpoint },
      { env: deps.env, transport, retry: ctx }
    )
    if (pending) {
      const found = await findOwnImage(session.api, pending.name, {
        ...ctx,
        notBefore: pending.notBefore,
        preexisting: new Set(pending.preexisting)
      })
      if (found) log(`Image ${found} was made by a CreateImage whose answer never arrived.`)
      imageId = found ?? ''
    }
    const made = [...(imageId ? [imageId] : []), ...copies.map(copy => copy.imageId)]
    what = made.length > 0 ? made.join(', ') : 'nothing'
    log(
      `cleanup-on-failure: the main step ${HOW_IT_ENDED[outcome] ?? 'was stopped'}; deleting ${made.length === 1 ? 'image ' : ''}${what}.`
    )
    const clientFor = regionalClients(config, session.credentials, transport, deps.clock)
    // Snapshots go with an instance image and with copies (made for them); snapshot-ids are the
    // user's own.
    const targets = [
      ...(imageId
        ? [{ api: session.api, imageId, deleteSnapshots: config.image.instanceId !== undefined }]
        : []),
      ...copies.map(copy => ({
        api: clientFor(copy.region),
        imageId: copy.imageId,
        deleteSnapshots: true
      }))
    ]
    const results = await Promise.allSettled(
      targets.map(target => deleteMade(target.api, target.imageId, target.deleteSnapshots, ctx))
    )
    const failures = results.flatMap(r => (r.status === 'rejected' ? [r.reason as unknown] : []))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) {
      throw new ActionFailure(
        'Images not deleted',
        failures.map(f => (f instanceof Error ? f.message : String(f))).join('\n')
      )
    }
    await writePostSummary(`Cleanup of ${what}`, lines)
  } catch (error) {
    const title =
      error instanceof ActionFailure || error instanceof ApiCallError
        ? error.title
        : 'Cleanup failed'
    const message = redactSecrets(error instanceof Error ? error.message : String(error))
    core.error(message, { title })
    process.exitCode = core.ExitCode.Failure
    await writePostSummary(`Cleanup of ${what} failed`, [...lines, message]).catch(() => {})
  } finally {
    transport.dispose()
  }
}

/** Deletes one image this run made, once the API allows it (not while CREATING or SYNCING). */
async function deleteMade(
  api: ApiClient,
  imageId: string,
  deleteSnapshots: boolean,
  ctx: IdleContext
): Promise<void> {
  const start = ctx.clock.now()
  const image = await waitUntilIdle(api, imageId, ctx)
  if (!image) {
    ctx.log(`Image ${imageId} is gone already.`)
  } else if (isBusy(image)) {
    throw new ActionFailure(
      'Image not deleted',
      `Image ${imageId} is still ${image.ImageState} after ${formatDuration(ctx.clock.now() - start)} (cleanup-wait-seconds), and Tencent Cloud refuses to delete an image until that ends, so it was NOT deleted. Delete it once it is NORMAL or CREATEFAILED: with the cleanup action (image-ids: ${imageId}), in the console, or by running again with if-exists: replace.`
    )
  } else {
    await unshareAndDelete(api, image, deleteSnapshots, ctx)
    ctx.log(`Deleted image ${imageId} (it was ${image.ImageState}).`)
  }
}

async function writePostSummary(heading: string, lines: string[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addHeading(heading, 3).addList(lines).write()
}

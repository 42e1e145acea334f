// The post step: cleanup-on-failure. The runner gives a cancelled step 7.5 s before SIGTERM and
// 2.5 s more before it kills it, while an image being made cannot be deleted until it leaves
// CREATING, which takes minutes. So the main step only records what it made (and what a request
// in flight may have made: the handoff); this step, which the runner starts after the main step
// however it ended (post-if: always()), deletes it. With if-exists: reuse, an image that reaches
// NORMAL is kept instead: the re-run that reuse is for picks it up.
import * as core from '@actions/core'
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { unshareAndDelete, waitUntilIdle, type IdleContext } from '../image/delete.ts'
import { findOurs, type Claim } from '../image/ownership.ts'
import { isBusy, isReady } from '../image/states.ts'
import { ActionFailure, explain, fail } from '../runner/failure.ts'
import { escapeHtml, formatDuration } from '../runner/format.ts'
import { InputError } from '../runner/inputs.ts'
import { log } from '../runner/log.ts'
import { realDeps, type StepDeps } from '../runner/step.ts'
import { writeJobSummary } from '../runner/summary.ts'
import { Transport, type ApiClient } from '../tencent/client.ts'
import { readMaskedInputs } from '../tencent/connection.ts'
import { regionalClients } from '../tencent/regional-clients.ts'
import { connect, loggedRetry } from '../tencent/session.ts'
import { readHandoff, type Handoff, type ReadState } from './handoff.ts'
import { INPUT_NAMES, parseInputs, type Config } from './inputs.ts'

/** Outcomes after which what the run made stays. */
const KEPT_OUTCOMES = new Set(['ready', 'created', 'dry-run'])
/**
 * Time for the API calls themselves (unsharing, deleting) after the wait for the image: the step
 * ends within cleanup-wait-seconds and this.
 */
export const CALL_MARGIN_MS = 10_000
const POLL_MS = 5_000
const HOW_IT_ENDED: Record<string, string> = { failed: 'failed', cancelled: 'was cancelled' }

/** One image the run made or may have made, in its region. */
interface Target {
  region: string
  api: ApiClient
  /** Known, or to be found by the claim of a send whose answer never came. */
  imageId?: string
  claim?: Claim
  what: 'image' | 'copy'
  deleteSnapshots: boolean
}

type Fate =
  | { kind: 'deleted'; imageId: string; state: string }
  | { kind: 'kept'; imageId: string }
  | { kind: 'gone'; imageId: string }
  | { kind: 'not-found'; name: string; region: string }

export async function runPost(
  deps: StepDeps = realDeps(),
  read: ReadState = core.getState
): Promise<void> {
  const handoff = readHandoff(read)
  if (handoff.outcome && KEPT_OUTCOMES.has(handoff.outcome)) return
  const leftovers =
    handoff.image?.made ||
    handoff.pendingCreate ||
    handoff.copies.length > 0 ||
    handoff.pendingCopies.length > 0
  if (!leftovers) return

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
  const say = (line: string): void => {
    log.info(line)
    lines.push(line)
  }
  let heading = 'Cleanup of the images this run made'
  try {
    const until = start + config.lifecycle.cleanupWaitMs
    const ctx: IdleContext = {
      ...loggedRetry({ clock: deps.clock, random: deps.random, deadline: until + CALL_MARGIN_MS }),
      log: say,
      pollMs: Math.min(POLL_MS, config.pollIntervalMs),
      until
    }
    const session = await connect(config, { env: deps.env, transport, retry: ctx })
    const clientFor = regionalClients(
      { byRegion: config.publish.endpoints, fallback: config.endpoint },
      session.credentials,
      transport,
      deps.clock
    )
    const targets = targetsOf(handoff, config, region =>
      region === config.region ? session.api : clientFor(region)
    )
    const known = targets.flatMap(t => (t.imageId ? [t.imageId] : []))
    const pending = targets.filter(t => !t.imageId).length
    say(
      `cleanup-on-failure: the main step ${HOW_IT_ENDED[handoff.outcome ?? ''] ?? 'was stopped'}; ${describeTargets(known, pending)}.`
    )
    heading = `Cleanup of ${known.length > 0 ? known.join(', ') : `'${config.image.name}'`}`

    // Copies first: a SyncImages still in flight needs its source, and Tencent Cloud keeps a
    // source busy while it is copied; the source goes once its copies are settled.
    const settleAll = (what: Target['what']) =>
      Promise.allSettled(targets.filter(t => t.what === what).map(t => settle(t, config, ctx)))
    const results = [...(await settleAll('copy')), ...(await settleAll('image'))]
    const fates = results.flatMap(r => (r.status === 'fulfilled' ? [r.value] : []))
    for (const fate of fates) {
      if (fate.kind === 'not-found') {
        log.warning(
          `No image named '${fate.name}' made by this run appeared in ${fate.region} within ${formatDuration(config.lifecycle.cleanupWaitMs)} (cleanup-wait-seconds). The request that would have made it had not answered when the main step ended; if it reached Tencent Cloud after all, the image may still appear: delete it with the cleanup action (image-name: ${fate.name}) or in the console.`,
          'Image may still appear'
        )
        lines.push(`Nothing named '${fate.name}' appeared in ${fate.region}.`)
      }
    }
    const failures = results.flatMap(r => (r.status === 'rejected' ? [r.reason as unknown] : []))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) {
      throw new ActionFailure(
        'Images not deleted',
        failures.map(f => explain(f).message).join('\n')
      )
    }
    await writePostSummary(heading, lines)
  } catch (error) {
    const failure = explain(error, 'Cleanup failed')
    fail(failure)
    await writePostSummary(`${heading} failed`, [...lines, failure.message])
  } finally {
    transport.dispose()
  }
}

/** What the main step handed on, as images to delete or to find first. */
function targetsOf(
  handoff: Handoff,
  config: Config,
  clientFor: (region: string) => ApiClient
): Target[] {
  // Snapshots go with an instance image and with copies (made for them); snapshot-ids are the
  // user's own.
  const fromInstance = config.image.instanceId !== undefined
  const targets: Target[] = []
  if (handoff.image?.made) {
    const { region, imageId } = handoff.image
    targets.push({
      region,
      api: clientFor(region),
      imageId,
      what: 'image',
      deleteSnapshots: fromInstance
    })
  } else if (!handoff.image && handoff.pendingCreate) {
    const region = config.region
    targets.push({
      region,
      api: clientFor(region),
      claim: handoff.pendingCreate,
      what: 'image',
      deleteSnapshots: fromInstance
    })
  }
  for (const copy of handoff.copies) {
    targets.push({ ...copy, api: clientFor(copy.region), what: 'copy', deleteSnapshots: true })
  }
  for (const { region, claim } of handoff.pendingCopies) {
    if (handoff.copies.some(copy => copy.region === region)) continue
    targets.push({ region, api: clientFor(region), claim, what: 'copy', deleteSnapshots: true })
  }
  return targets
}

function describeTargets(known: string[], pending: number): string {
  const parts: string[] = []
  if (known.length > 0)
    parts.push(`deleting ${known.length === 1 ? 'image ' : ''}${known.join(', ')}`)
  if (pending > 0) {
    parts.push(
      `looking for ${pending === 1 ? 'the image' : `the ${pending} images`} that requests still unanswered when it ended may have made`
    )
  }
  return parts.join(', and ')
}

/** Finds (if need be), waits for and deletes, or keeps, one image. */
async function settle(target: Target, config: Config, ctx: IdleContext): Promise<Fate> {
  const start = ctx.clock.now()
  let imageId = target.imageId
  if (!imageId) {
    const found = await lookFor(target.api, target.claim!, ctx)
    if (!found?.ImageId)
      return { kind: 'not-found', name: target.claim!.name, region: target.region }
    imageId = found.ImageId
    const request = target.what === 'image' ? 'CreateImage' : `SyncImages (in ${target.region})`
    ctx.log(`Image ${imageId} was made by a ${request} whose answer never arrived.`)
  }
  const image = await waitUntilIdle(target.api, imageId, ctx)
  if (!image) {
    ctx.log(`Image ${imageId} is gone already.`)
    return { kind: 'gone', imageId }
  }
  if (isBusy(image.ImageState)) {
    throw new ActionFailure(
      'Image not deleted',
      `Image ${imageId} is still ${image.ImageState} after ${formatDuration(ctx.clock.now() - start)} (cleanup-wait-seconds), and Tencent Cloud refuses to delete an image until that ends, so it was NOT deleted. Delete it once it is NORMAL or CREATEFAILED: with the cleanup action (image-ids: ${imageId}), in the console, or by running again with if-exists: replace.`
    )
  }
  if (isReady(image.ImageState) && config.lifecycle.ifExists === 'reuse') {
    ctx.log(
      `Kept ${target.what} ${imageId} in ${target.region}: it is ${image.ImageState}, and with if-exists: reuse a re-run picks it up instead of making it again. Delete it with the cleanup action (image-ids: ${imageId}) if no re-run is coming.`
    )
    return { kind: 'kept', imageId }
  }
  await unshareAndDelete(target.api, image, target.deleteSnapshots, ctx)
  ctx.log(`Deleted image ${imageId} (it was ${image.ImageState}).`)
  return { kind: 'deleted', imageId, state: image.ImageState ?? '' }
}

/**
 * While a send is unaccounted for, its image may still appear (a request is carried out a while
 * after it arrives): look until cleanup-wait-seconds runs out before concluding nothing was made.
 */
async function lookFor(api: ApiClient, claim: Claim, ctx: IdleContext): Promise<Image | undefined> {
  for (let first = true; ; first = false) {
    const found = await findOurs(api, claim, ctx)
    if (found) return found
    const now = ctx.clock.now()
    if (now >= ctx.until) return undefined
    if (first) {
      ctx.log(
        `No image named '${claim.name}' of this run is listed yet; looking again for up to ${formatDuration(ctx.until - now)}.`
      )
    }
    await ctx.clock.sleep(Math.min(ctx.pollMs, ctx.until - now), ctx.signal)
  }
}

async function writePostSummary(heading: string, lines: string[]): Promise<void> {
  await writeJobSummary(s => s.addHeading(escapeHtml(heading), 3).addList(lines.map(escapeHtml)))
}

/** @github/local-action runs a post step by calling its module's `run` export (CONTRIBUTING.md). */
export { runPost as run }

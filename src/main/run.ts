// The only module that knows the order of the stages:
// inputs -> config -> the job's turn (create-slot) -> credentials -> an image of the same name
// (if-exists) -> create (or adopt) -> wait -> copy -> share -> the outcome, decided once -> log,
// summary. A failure leaves cleanup-on-failure to the post step (post.ts).
import { createImage } from '../image/create.ts'
import { handleExisting, type Existing } from '../image/if-exists.ts'
import { newClaim } from '../image/ownership.ts'
import { copyProgressLines, waitProgressLines } from '../image/progress.ts'
import { tagsWithProvenance } from '../image/provenance.ts'
import { defaultSchedule } from '../image/schedule.ts'
import { IMAGE_STATE, NOT_LISTED, isBusy, isReady } from '../image/states.ts'
import { waitForImage, type WaitProgress } from '../image/wait.ts'
import { copyToRegions } from '../publish/copy.ts'
import { knownCopies } from '../publish/published.ts'
import { shareWithAccounts } from '../publish/share.ts'
import { tagCopies, tagServices } from '../publish/tag-copies.ts'
import { CancelledError } from '../runner/clock.ts'
import { explain, fail } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import { InputError } from '../runner/inputs.ts'
import { group, log } from '../runner/log.ts'
import { accountLine } from '../runner/progress.ts'
import { cancelOnSignals, realDeps, type StepDeps } from '../runner/step.ts'
import { Transport } from '../tencent/client.ts'
import { readMaskedInputs } from '../tencent/connection.ts'
import { regionalClients } from '../tencent/regional-clients.ts'
import type { RetryContext } from '../tencent/retry.ts'
import { CREATES_PER_SECOND, CreateTurn, TURN_MS } from '../tencent/create-slot.ts'
import { connect, loggedRetry, type Session } from '../tencent/session.ts'
import { INPUT_NAMES, parseInputs, type Config } from './inputs.ts'
import { RunRecord, markMainStep, recordInvalidInput, type RunOutcome } from './run-record.ts'
import { writeSummary } from './summary.ts'

export async function run(deps: StepDeps = realDeps()): Promise<void> {
  markMainStep()
  // Masks first: nothing may be logged before every credential is registered as a secret.
  const raw = readMaskedInputs(INPUT_NAMES, deps.env)
  const startedAt = deps.clock.now()
  let config: Config
  try {
    config = parseInputs(raw, deps.env)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    recordInvalidInput()
    return fail(explain(error))
  }
  if (config.lifecycle.provenanceTags) {
    config.image.tags = tagsWithProvenance(config.image.tags, deps.env, log.warning)
  }

  const record = new RunRecord(config, deps.clock, startedAt)
  const cancel = cancelOnSignals()
  const transport = new Transport()
  try {
    record.end(await runStages(config, record, deps, startedAt, cancel.signal, transport))
  } catch (error) {
    record.end(failed(error, cancel.signal.aborted, record, config))
  } finally {
    transport.dispose()
    cancel.dispose()
  }
  const facts = record.facts()
  const outcome = facts.outcome
  if (outcome.kind === 'failed' || outcome.kind === 'cancelled') {
    fail(outcome.failure)
    if (record.imageId && record.imageWasMade) {
      log.info(cleanupNote(config, record.imageId, record.imageState ?? IMAGE_STATE.creating))
    }
  }
  log.info(accountLine(facts.elapsedMs, facts.tally))
  await writeSummary(facts, deps.env)
}

function failed(error: unknown, aborted: boolean, record: RunRecord, config: Config): RunOutcome {
  const elapsed = formatDuration(record.facts().elapsedMs)
  if (error instanceof CancelledError || aborted) {
    const state = record.imageState
    const where = record.imageId
      ? `Image ${record.imageId} was ${state === NOT_LISTED || !state ? IMAGE_STATE.creating : state}; Tencent Cloud goes on making it.`
      : record.sentCreate
        ? `CreateImage had not answered; if it reached Tencent Cloud, an image named '${config.image.name}' may still be made.`
        : 'CreateImage was not sent: nothing was made.'
    return {
      kind: 'cancelled',
      failure: explain(new CancelledError(`Cancelled after ${elapsed}. ${where}`))
    }
  }
  return { kind: 'failed', failure: explain(error) }
}

async function runStages(
  config: Config,
  record: RunRecord,
  deps: StepDeps,
  startedAt: number,
  signal: AbortSignal,
  transport: Transport
): Promise<RunOutcome> {
  const retry = loggedRetry(
    {
      clock: deps.clock,
      random: deps.random,
      deadline: startedAt + config.waitTimeoutMs,
      signal
    },
    record.tally
  )
  const turn = await holdForTurn(config, deps, retry, record)
  const session = await connect(config, { env: deps.env, transport, retry })
  const { api } = session
  const { image: spec, lifecycle } = config

  const existing: Existing = await group(
    lifecycle.ifExists === 'fail'
      ? `Look up the name '${spec.name}'`
      : `Look for an image named '${spec.name}'`,
    () =>
      handleExisting(api, spec, lifecycle.ifExists, {
        ...retry,
        log: log.info,
        pollMs: config.pollIntervalMs,
        repository: deps.env.GITHUB_REPOSITORY
      })
  )
  const before = existing.outcome
  if (before.kind === 'replaced') record.replacedImage(before.imageId)
  if (before.kind === 'dry-run') {
    record.answered('')
    log.info(before.message)
    return dryRunEnd(config, before.message)
  }

  let waitFromListing = false
  if (before.kind === 'reuse') {
    const image = before.image
    const state = image.ImageState ?? IMAGE_STATE.creating
    record.answered('')
    record.imageKnown(image.ImageId ?? '', 'reused', state, image)
    log.info(`Reusing image ${image.ImageId} ('${spec.name}'), which is ${state}.`)
    waitFromListing = true
  } else {
    await turn?.beforeSend(signal)
    const claim = newClaim(spec.name, deps.clock.now(), existing.found, spec.tags)
    const created = await record.phases.time('Create', () =>
      group(spec.dryRun ? 'Dry run of CreateImage' : 'Create image', () =>
        createImage(api, spec, claim, { ...retry, log: log.info, watch: record })
      )
    )
    record.answered(created.requestId)
    if (created.kind === 'dry-run') {
      const message = `Dry run passed: CreateImage would succeed for '${spec.name}'. Nothing was created.`
      log.info(message)
      return dryRunEnd(config, message)
    }
    record.imageKnown(created.imageId, created.kind, IMAGE_STATE.creating)
    const verb = created.kind === 'adopted' ? 'Adopted' : 'Created'
    log.info(
      `${verb} image ${created.imageId} ('${spec.name}'), RequestId ${created.requestId || 'unknown'}.`
    )
  }

  if (!config.wait) {
    log.info('wait is false: not waiting for the image to become NORMAL.')
    return { kind: 'created' }
  }
  const imageId = record.imageId!
  if (!isReady(record.imageState)) {
    await waitForSource(api, imageId, config, retry, record, waitFromListing)
  }
  record.sourceReady()
  await publishStages(config, deps, { session, transport, retry }, imageId, record)
  return { kind: 'ready' }
}

/**
 * With create-slot, the job holds back until a second before its CreateImage turn (sign-in and
 * the look-up go in that second). A turn past wait-timeout-seconds is not taken.
 */
async function holdForTurn(
  config: Config,
  deps: StepDeps,
  retry: RetryContext,
  record: RunRecord
): Promise<CreateTurn | undefined> {
  const slot = config.createSlot
  const turn = CreateTurn.plan(deps.clock, slot)
  if (!slot || !turn) return undefined
  const { place, cycleMs, sendAt } = turn.turn
  const where = `create-slot ${slot.index}/${slot.jobs}: CreateImage's turn ${place + 1} of ${slot.jobs}`
  if (sendAt >= retry.deadline) {
    log.info(`${where} would come after wait-timeout-seconds; CreateImage goes without it.`)
    return undefined
  }
  log.info(
    `${where} comes in ${formatDuration(sendAt - deps.clock.now())} (one turn of ${TURN_MS} ms per job, as CreateImage allows ${CREATES_PER_SECOND} a second per account; a cycle of ${formatDuration(cycleMs)}).`
  )
  await record.phases.time(
    'Turn',
    () => turn.beforeLookUp(retry.signal),
    () => `create-slot ${slot.index}/${slot.jobs}`
  )
  return turn
}

function dryRunEnd(config: Config, message: string): RunOutcome {
  if (config.publish.regions.length > 0 || config.publish.accountIds.length > 0) {
    log.info('Dry run: copy-to-regions and share-with-accounts were checked, not tried.')
  }
  return { kind: 'dry-run', message }
}

async function waitForSource(
  api: Session['api'],
  imageId: string,
  config: Config,
  retry: RetryContext,
  record: RunRecord,
  listed: boolean
): Promise<void> {
  const progress: WaitProgress = { state: record.imageState ?? IMAGE_STATE.creating, polls: 0 }
  const onPoll = waitProgressLines(
    retry.clock,
    config.progressIntervalMs,
    log.info,
    record.tally,
    imageId,
    progress
  )
  try {
    const result = await record.phases.time(
      'Wait',
      () =>
        group(`Wait for ${imageId} to become NORMAL`, () =>
          waitForImage(api, imageId, {
            ...retry,
            schedule: defaultSchedule(config.pollIntervalMs),
            since: retry.clock.now(),
            log: log.info,
            warn: log.warning,
            progress,
            listed,
            onPoll
          })
        ),
      () => polls(progress.polls)
    )
    log.info(
      `Image ${imageId} is ready after ${formatDuration(result.elapsedMs)} and ${result.polls} polls.`
    )
  } finally {
    // Set however the wait ends: a failed or cancelled wait still reports the last state seen.
    if (progress.state !== NOT_LISTED) record.stateSeen(progress.state, progress.image)
  }
}

/** Copy to other regions, then share the source and every copy: both need a ready image. */
async function publishStages(
  config: Config,
  deps: StepDeps,
  connection: { session: Session; transport: Transport; retry: RetryContext },
  imageId: string,
  record: RunRecord
): Promise<void> {
  const { session, transport, retry } = connection
  const published = record.published
  const clientFor = regionalClients(
    { byRegion: config.publish.endpoints, fallback: config.endpoint },
    session.credentials,
    transport,
    deps.clock
  )
  const source = { region: config.region, imageId, name: config.image.name }
  const { regions, accountIds } = config.publish
  if (regions.length > 0) {
    const tally = record.tally
    const pollsBefore = tally.polls
    let copyFailure: unknown
    try {
      await record.phases.time(
        'Copy',
        () =>
          group(`Copy ${imageId} to ${regions.join(', ')}`, () =>
            copyToRegions(source, clientFor, published, {
              ...retry,
              schedule: defaultSchedule(config.pollIntervalMs),
              log: log.info,
              warn: log.warning,
              watch: record.copyWatch,
              ifExists: config.lifecycle.ifExists,
              pollMs: config.pollIntervalMs,
              onCopyPoll: copyProgressLines(
                deps.clock,
                config.progressIntervalMs,
                log.info,
                tally,
                published.copies
              )
            })
          ),
        () =>
          `${regions.length} region${regions.length === 1 ? '' : 's'}, ${polls(tally.polls - pollsBefore)}`
      )
    } catch (error) {
      if (error instanceof CancelledError || retry.signal?.aborted) throw error
      copyFailure = error
    }
    const labels = {
      tags: config.image.tags,
      family: record.imageFamily ?? config.image.family ?? ''
    }
    published.labels = { tags: labels.tags.length, family: labels.family }
    const services = tagServices(
      { tag: config.publish.tagEndpoint, sts: config.stsEndpoint },
      config.region,
      session.credentials,
      transport,
      retry
    )
    // The copies that became ready are tagged even when another region failed, so that the
    // cleanup action selecting by tags finds every image the run left.
    const ready = {
      ...published,
      copies: published.copies.filter(c => !c.failure && isReady(c.state))
    }
    try {
      await tagCopies(ready, labels, clientFor, { ...retry, log: log.info, ...services })
    } catch (error) {
      if (copyFailure === undefined) throw error
      log.warning(
        `The copies that became ready could not be tagged either: ${explain(error).message}`
      )
    }
    if (copyFailure !== undefined) throw copyFailure
  }
  if (accountIds.length > 0) {
    await record.phases.time(
      'Share',
      () =>
        group(`Share with ${accountIds.join(', ')}`, () =>
          shareWithAccounts(source, knownCopies(published), clientFor, published, {
            ...retry,
            log: log.info
          })
        ),
      () => `${accountIds.length} account${accountIds.length === 1 ? '' : 's'}`
    )
  }
}

function polls(n: number): string {
  return `${n} poll${n === 1 ? '' : 's'}`
}

/** What the main step says about an image it leaves behind on failure. */
export function cleanupNote(config: Config, imageId: string, state: string): string {
  if (!config.lifecycle.cleanupOnFailure) {
    return `Image ${imageId} is left in place (cleanup-on-failure is false).`
  }
  const wait =
    isBusy(state) && config.lifecycle.cleanupWaitMs > 0
      ? `, waiting up to ${formatDuration(config.lifecycle.cleanupWaitMs)} for it to leave ${state}`
      : ''
  const copies = config.publish.regions.length > 0 ? ' and the copies it made' : ''
  const reuse =
    config.lifecycle.ifExists === 'reuse'
      ? ' (if-exists is reuse: once it is NORMAL it is kept for the next run instead)'
      : ''
  return `cleanup-on-failure: the post step deletes ${imageId}${copies}${wait}${reuse}.`
}

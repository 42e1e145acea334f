// The only module that knows the order of the stages:
// inputs -> config -> credentials -> an image of the same name (if-exists) -> create (or adopt)
// -> wait -> copy -> share -> outputs and summary. A failure leaves cleanup-on-failure to the post
// step (post.ts).
import * as core from '@actions/core'
import { CancelledError } from './clock.ts'
import { connect, loggedRetry, readMaskedInputs, type Session } from './connect.ts'
import { copyToRegions } from './copy.ts'
import { createImage, createWindowStart, type CreateOutcome } from './create.ts'
import { Transport } from './cvm-client.ts'
import { ActionFailure, ApiCallError } from './errors.ts'
import { handleExisting, skipCreate, type ExistingOutcome, type SkippedCreate } from './existing.ts'
import { INPUT_NAMES, parseInputs, type Config } from './inputs.ts'
import { findImagesByExactName } from './lookup.ts'
import { InputError } from './parse.ts'
import {
  cleanupNote,
  markMainStep,
  rememberCopies,
  rememberCreatedImage,
  rememberOutcome,
  rememberPendingCreate
} from './post.ts'
import { tagsWithProvenance } from './provenance.ts'
import { imagesOutput, knownCopies, madeCopies, newPublished } from './published.ts'
import { regionalClients } from './regional-clients.ts'
import type { RetryContext } from './retry.ts'
import { defaultSchedule } from './schedule.ts'
import { redactSecrets } from './secrets.ts'
import { shareWithAccounts } from './share.ts'
import { writeSummary, type SummaryFacts } from './summary.ts'
import { NOT_LISTED, formatDuration, waitForImage, type WaitProgress } from './wait.ts'
import { cancelOnSignals, fail, realDeps, type StepDeps } from './step.ts'

export async function run(deps: StepDeps = realDeps()): Promise<void> {
  markMainStep()
  // Masks first: nothing may be logged before every credential is registered as a secret.
  const raw = readMaskedInputs(INPUT_NAMES, deps.env)

  const startedAt = deps.clock.now()
  let config: Config
  try {
    config = parseInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) {
      core.setOutput('images', '{}')
      return fail('Invalid input', error.message)
    }
    throw error
  }
  if (config.lifecycle.provenanceTags) {
    config.image.tags = tagsWithProvenance(config.image.tags, deps.env, core.warning)
  }

  const cancel = cancelOnSignals()

  const transport = new Transport()
  const facts: SummaryFacts = {
    outcome: 'failed',
    region: config.region,
    spec: config.image,
    elapsedMs: 0,
    published: newPublished(config.region, config.publish.regions, config.publish.accountIds)
  }
  const progress: WaitProgress = { state: NOT_LISTED, polls: 0 }
  try {
    await runStages(config, deps, startedAt, cancel.signal, transport, facts, progress)
  } catch (error) {
    facts.elapsedMs = deps.clock.now() - startedAt
    if (error instanceof CancelledError || cancel.signal.aborted) {
      facts.outcome = 'cancelled'
      const where = facts.imageId
        ? `Image ${facts.imageId} was ${progress.state === NOT_LISTED ? 'CREATING' : progress.state}; Tencent Cloud goes on making it.`
        : `CreateImage had not answered; if it reached Tencent Cloud, an image named '${config.image.name}' may still be made.`
      facts.error = `Cancelled after ${formatDuration(facts.elapsedMs)}. ${where}`
      fail('Cancelled', facts.error)
    } else {
      const { title, message } = explain(error)
      facts.outcome = 'failed'
      facts.error = redactSecrets(message)
      fail(title, facts.error)
    }
    if (facts.imageId && !facts.reused) {
      core.info(cleanupNote(config, facts.imageId, facts.state ?? 'CREATING'))
    }
    rememberOutcome(facts.outcome)
    await writeSummary(facts).catch(() => undefined)
  } finally {
    core.setOutput('images', JSON.stringify(imagesOutput(facts.published!, facts.imageId)))
    transport.dispose()
    cancel.dispose()
  }
}

async function runStages(
  config: Config,
  deps: StepDeps,
  startedAt: number,
  signal: AbortSignal,
  transport: Transport,
  facts: SummaryFacts,
  progress: WaitProgress
): Promise<void> {
  const retry = loggedRetry({
    clock: deps.clock,
    random: deps.random,
    deadline: startedAt + config.waitTimeoutMs,
    signal
  })
  const session = await connect(
    { plan: config.credentials, region: config.region, endpoint: config.endpoint },
    { env: deps.env, transport, retry }
  )
  const { api } = session

  const existing: ExistingOutcome =
    config.lifecycle.ifExists === 'fail'
      ? { kind: 'none' }
      : await core.group(`Look for an image named '${config.image.name}'`, () =>
          handleExisting(api, config.image, config.lifecycle.ifExists, {
            ...retry,
            log: core.info,
            pollMs: config.pollIntervalMs,
            repository: deps.env.GITHUB_REPOSITORY
          })
        )
  if (existing.kind === 'replaced') facts.replaced = existing.imageId

  let outcome: CreateOutcome | SkippedCreate | undefined = skipCreate(existing)
  outcome ??= await core.group(
    config.image.dryRun ? 'Dry run of CreateImage' : 'Create image',
    () => createStage(api, config, existing, retry)
  )
  facts.requestId = outcome.requestId
  core.setOutput('request-id', outcome.requestId)

  if (outcome.kind === 'dry-run') {
    core.info(
      existing.kind === 'dry-run'
        ? existing.message
        : `Dry run passed: CreateImage would succeed for '${config.image.name}'. Nothing was created.`
    )
    core.setOutput('image-id', '')
    core.setOutput('image-state', '')
    if (config.publish.regions.length > 0 || config.publish.accountIds.length > 0) {
      core.info('Dry run: copy-to-regions and share-with-accounts were checked, not tried.')
    }
    facts.outcome = 'dry-run'
    facts.elapsedMs = deps.clock.now() - startedAt
    rememberOutcome(facts.outcome)
    await writeSummary(facts)
    return
  }

  // Set before waiting, so a failed or cancelled wait still tells the user which image it was.
  const imageId = outcome.imageId
  facts.imageId = imageId
  facts.adopted = outcome.kind === 'adopted'
  facts.reused = outcome.kind === 'reused'
  facts.state = existing.kind === 'reuse' ? (existing.image.ImageState ?? 'CREATING') : 'CREATING'
  progress.state = facts.state
  core.setOutput('image-id', imageId)
  core.setOutput('image-state', facts.state)
  if (outcome.kind !== 'reused') rememberCreatedImage(imageId)
  else core.info(`Reusing image ${imageId} ('${config.image.name}'), which is ${facts.state}.`)

  if (!config.wait) {
    core.info('wait is false: not waiting for the image to become NORMAL.')
    return finish(facts, 'created', deps.clock.now() - startedAt)
  }

  if (existing.kind === 'reuse' && facts.state === 'NORMAL') {
    facts.image = existing.image
  } else {
    await waitForSource(api, imageId, config, { ...retry, clock: deps.clock }, facts, progress)
  }
  facts.published!.sourceElapsedMs = deps.clock.now() - startedAt
  await publishStages(config, deps, { session, transport, retry }, imageId, facts)
  return finish(facts, 'ready', deps.clock.now() - startedAt)
}

async function createStage(
  api: Session['api'],
  config: Config,
  existing: ExistingOutcome,
  retry: RetryContext
): Promise<CreateOutcome> {
  const { image, lifecycle } = config
  const notBefore = createWindowStart(retry.clock.now())
  // What had the name before: a lost CreateImage answer must never adopt another run's image.
  // With reuse or replace the lookup is done; with fail it is done here (one DescribeImages).
  const before =
    existing.kind === 'replaced'
      ? [existing.imageId]
      : lifecycle.ifExists === 'fail' && !image.dryRun
        ? (await findImagesByExactName(api, image.name, retry)).map(i => i.ImageId ?? '')
        : []
  const preexisting = new Set(before)
  if (!image.dryRun) rememberPendingCreate({ name: image.name, notBefore, preexisting: before })
  const result = await createImage(api, image, { ...retry, log: core.info, preexisting, notBefore })
  if (result.kind !== 'dry-run') {
    const verb = result.kind === 'adopted' ? 'Adopted' : 'Created'
    core.info(
      `${verb} image ${result.imageId} ('${image.name}'), RequestId ${result.requestId || 'unknown'}.`
    )
  }
  return result
}

async function waitForSource(
  api: Session['api'],
  imageId: string,
  config: Config,
  retry: RetryContext,
  facts: SummaryFacts,
  progress: WaitProgress
): Promise<void> {
  try {
    const result = await core.group(`Wait for ${imageId} to become NORMAL`, () =>
      waitForImage(api, imageId, {
        ...retry,
        schedule: defaultSchedule(config.pollIntervalMs),
        since: retry.clock.now(),
        log: core.info,
        progress
      })
    )
    facts.image = result.image
    facts.state = result.image.ImageState
    core.info(
      `Image ${imageId} is ready after ${formatDuration(result.elapsedMs)} and ${result.polls} polls.`
    )
  } finally {
    facts.state = progress.state === NOT_LISTED ? facts.state : progress.state
    if (progress.image) facts.image = progress.image
    // Set now, not at the end: a failed or cancelled wait still reports the last state seen.
    core.setOutput('image-state', facts.state ?? '')
  }
}

/** Ends a run that got this far: the image is as it is now. */
async function finish(
  facts: SummaryFacts,
  outcome: 'ready' | 'created',
  elapsedMs: number
): Promise<void> {
  core.setOutput('image-state', facts.state ?? '')
  facts.outcome = outcome
  facts.elapsedMs = elapsedMs
  rememberOutcome(outcome)
  await writeSummary(facts)
}

/** Copy to other regions, then share the source and every copy: both need a NORMAL image. */
async function publishStages(
  config: Config,
  deps: StepDeps,
  connection: { session: Session; transport: Transport; retry: RetryContext },
  imageId: string,
  facts: SummaryFacts
): Promise<void> {
  const { session, transport, retry } = connection
  const published = facts.published!
  const clientFor = regionalClients(config, session.credentials, transport, deps.clock)
  const source = { region: config.region, imageId, name: config.image.name }
  const { regions, accountIds } = config.publish
  if (regions.length > 0) {
    // Saved the moment the copies exist, and again however the stage ends (copies found after a
    // lost SyncImages answer may be known only then), for cleanup-on-failure in the post step.
    const saveCopies = (): void => rememberCopies(madeCopies(published))
    try {
      await core.group(`Copy ${imageId} to ${regions.join(', ')}`, () =>
        copyToRegions(source, clientFor, published, {
          ...retry,
          schedule: defaultSchedule(config.pollIntervalMs),
          log: core.info,
          ifExists: config.lifecycle.ifExists,
          pollMs: config.pollIntervalMs,
          onStarted: () => {
            saveCopies()
            core.setOutput('images', JSON.stringify(imagesOutput(published, imageId)))
          }
        })
      )
    } finally {
      saveCopies()
    }
  }
  if (accountIds.length > 0) {
    await core.group(`Share with ${accountIds.join(', ')}`, () =>
      shareWithAccounts(source, knownCopies(published), clientFor, published, {
        ...retry,
        log: core.info
      })
    )
  }
}

function explain(error: unknown): { title: string; message: string } {
  if (error instanceof ActionFailure || error instanceof ApiCallError) {
    return { title: error.title, message: error.message }
  }
  return {
    title: 'Unexpected error',
    message: error instanceof Error ? error.message : String(error)
  }
}

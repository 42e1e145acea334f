// The only module that knows the order of the stages:
// inputs -> config -> credentials -> create (or adopt) -> wait -> copy -> share -> outputs and summary.
import * as core from '@actions/core'
import { CancelledError, systemClock, type Clock, type Random } from './clock.ts'
import { copyToRegions } from './copy.ts'
import { createImage, type CreateOutcome } from './create.ts'
import { resolveCredentials } from './credentials/index.ts'
import {
  Transport,
  createCvmClient,
  endpointUrl,
  type CredentialSource,
  type Credentials
} from './cvm-client.ts'
import { ActionFailure, ApiCallError, isRateLimited, classify } from './errors.ts'
import { INPUT_NAMES, parseInputs, type Config, type Env, type RawInputs } from './inputs.ts'
import { InputError } from './parse.ts'
import { imagesOutput, madeCopies, newPublished } from './published.ts'
import { regionalClients } from './regional-clients.ts'
import type { RetryContext } from './retry.ts'
import { defaultSchedule } from './schedule.ts'
import { maskSecret, redactSecrets } from './secrets.ts'
import { shareWithAccounts } from './share.ts'
import { writeSummary, type SummaryFacts } from './summary.ts'
import { NOT_LISTED, formatDuration, waitForImage, type WaitProgress } from './wait.ts'

const SECRET_INPUTS = ['secret-id', 'secret-key', 'session-token'] as const
const SECRET_ENV = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_SESSION_TOKEN'
]

export interface RunDeps {
  clock: Clock
  random: Random
  env: Env
}

export async function run(
  deps: RunDeps = { clock: systemClock, random: Math.random, env: process.env }
): Promise<void> {
  // Masks first: nothing may be logged before every credential is registered as a secret.
  const raw = readInputs()
  maskCredentials(raw, deps.env)

  const startedAt = deps.clock.now()
  let config: Config
  try {
    config = parseInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) return fail('Invalid input', error.message)
    throw error
  }

  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    core.info(`Received ${signal}: stopping.`)
    cancel.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

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
    await writeSummary(facts).catch(() => undefined)
  } finally {
    core.setOutput('images', JSON.stringify(imagesOutput(facts.published!, facts.imageId)))
    transport.dispose()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function runStages(
  config: Config,
  deps: RunDeps,
  startedAt: number,
  signal: AbortSignal,
  transport: Transport,
  facts: SummaryFacts,
  progress: WaitProgress
): Promise<void> {
  const url = endpointUrl(config.endpoint)
  const proxy = transport.proxyFor(url)
  core.info(
    `Region ${config.region}, endpoint ${url}${proxy ? ` through proxy ${redactProxy(proxy)}` : ''}, credentials from ${config.credentials.source}.`
  )
  const retry: RetryContext = {
    clock: deps.clock,
    random: deps.random,
    deadline: startedAt + config.waitTimeoutMs,
    signal,
    onRetry: ({ action, attempt, delayMs, error }) => {
      const c = classify(error)
      const why = c.code ?? (c.httpCode ? `HTTP ${c.httpCode}` : c.message)
      const log = isRateLimited(error) ? core.info : core.warning
      log(`${action} attempt ${attempt} failed (${why}); retrying in ${formatDuration(delayMs)}.`)
    }
  }

  const credentials = await resolveCredentials(config.credentials, {
    region: config.region,
    env: deps.env,
    transport,
    retry,
    getIdToken: audience => core.getIDToken(audience),
    mask: maskSecret,
    log: core.info
  })
  const api = createCvmClient(
    { endpoint: config.endpoint, region: config.region, credentials },
    transport
  )

  const outcome: CreateOutcome = await core.group(
    config.image.dryRun ? 'Dry run of CreateImage' : 'Create image',
    async () => {
      const result = await createImage(api, config.image, { ...retry, log: core.info })
      if (result.kind !== 'dry-run') {
        const verb = result.kind === 'adopted' ? 'Adopted' : 'Created'
        core.info(
          `${verb} image ${result.imageId} ('${config.image.name}'), RequestId ${result.requestId || 'unknown'}.`
        )
      }
      return result
    }
  )
  facts.requestId = outcome.requestId
  core.setOutput('request-id', outcome.requestId)

  if (outcome.kind === 'dry-run') {
    core.info(
      `Dry run passed: CreateImage would succeed for '${config.image.name}'. Nothing was created.`
    )
    core.setOutput('image-id', '')
    core.setOutput('image-state', '')
    if (config.publish.regions.length > 0 || config.publish.accountIds.length > 0) {
      core.info('Dry run: copy-to-regions and share-with-accounts were checked, not tried.')
    }
    facts.outcome = 'dry-run'
    facts.elapsedMs = deps.clock.now() - startedAt
    await writeSummary(facts)
    return
  }

  // Set before waiting, so a failed or cancelled wait still tells the user which image it was.
  const imageId = outcome.imageId
  facts.imageId = imageId
  facts.adopted = outcome.kind === 'adopted'
  facts.state = 'CREATING'
  progress.state = 'CREATING'
  core.setOutput('image-id', imageId)

  if (!config.wait) {
    core.setOutput('image-state', 'CREATING')
    facts.outcome = 'created'
    facts.elapsedMs = deps.clock.now() - startedAt
    core.info('wait is false: not waiting for the image to become NORMAL.')
    await writeSummary(facts)
    return
  }

  const createdAt = deps.clock.now()
  try {
    const result = await core.group(`Wait for ${imageId} to become NORMAL`, () =>
      waitForImage(api, imageId, {
        ...retry,
        schedule: defaultSchedule(config.pollIntervalMs),
        since: createdAt,
        log: core.info,
        progress
      })
    )
    facts.image = result.image
    facts.state = result.image.ImageState
    facts.outcome = 'ready'
    core.setOutput('image-state', result.image.ImageState ?? '')
    core.info(
      `Image ${imageId} is ready after ${formatDuration(result.elapsedMs)} and ${result.polls} polls.`
    )
  } finally {
    facts.state = progress.state === NOT_LISTED ? facts.state : progress.state
    if (progress.image) facts.image = progress.image
    if (facts.outcome !== 'ready') core.setOutput('image-state', facts.state ?? '')
  }
  facts.published!.sourceElapsedMs = deps.clock.now() - startedAt
  await publishStages(config, deps, { credentials, transport, retry }, imageId, facts)
  facts.elapsedMs = deps.clock.now() - startedAt
  await writeSummary(facts)
}

/** Copy to other regions, then share the source and every copy: both need a NORMAL image. */
async function publishStages(
  config: Config,
  deps: RunDeps,
  session: {
    credentials: Credentials | CredentialSource
    transport: Transport
    retry: RetryContext
  },
  imageId: string,
  facts: SummaryFacts
): Promise<void> {
  const { credentials, transport, retry } = session
  const published = facts.published!
  const clientFor = regionalClients(config, credentials, transport, deps.clock)
  const source = { region: config.region, imageId, name: config.image.name }
  const { regions, accountIds } = config.publish
  if (regions.length > 0) {
    await core.group(`Copy ${imageId} to ${regions.join(', ')}`, () =>
      copyToRegions(source, clientFor, published, {
        ...retry,
        schedule: defaultSchedule(config.pollIntervalMs),
        log: core.info,
        onStarted: () => core.setOutput('images', JSON.stringify(imagesOutput(published, imageId)))
      })
    )
  }
  if (accountIds.length > 0) {
    await core.group(`Share with ${accountIds.join(', ')}`, () =>
      shareWithAccounts(source, madeCopies(published), clientFor, published, {
        ...retry,
        log: core.info
      })
    )
  }
}

function readInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
  return raw
}

function maskCredentials(raw: RawInputs, env: Env): void {
  for (const name of SECRET_INPUTS) if (raw[name]) maskSecret(raw[name]!)
  for (const name of SECRET_ENV) if (env[name]) maskSecret(env[name]!.trim())
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

function fail(title: string, message: string): void {
  core.error(message, { title })
  process.exitCode = core.ExitCode.Failure
}

/** A proxy URL may carry a user and password. */
function redactProxy(url: string): string {
  const u = new URL(url)
  if (u.username || u.password) {
    u.username = '***'
    u.password = ''
  }
  return u.href
}

// The cleanup action; the only module that knows its stages:
// inputs -> config -> credentials -> select (every page) -> plan -> unshare and delete -> outputs
// and summary.
import * as core from '@actions/core'
import { CancelledError } from '../clock.ts'
import { connect, loggedRetry, readMaskedInputs } from '../connect.ts'
import { Transport } from '../cvm-client.ts'
import { ApiCallError } from '../errors.ts'
import { InputError } from '../parse.ts'
import { formatDuration } from '../wait.ts'
import { CLEANUP_INPUT_NAMES, parseCleanupInputs, type CleanupConfig } from './inputs.ts'
import { planCleanup } from './plan.ts'
import { removeImages } from './remove.ts'
import { selectImages } from './select.ts'
import { writeCleanupSummary, type CleanupFacts } from './summary.ts'
import { cancelOnSignals, fail, realDeps, type StepDeps } from '../step.ts'

/** Retries of the API calls stop starting after this long. */
const DEADLINE_MS = 15 * 60_000

export async function run(deps: StepDeps = realDeps()): Promise<void> {
  const raw = readMaskedInputs(CLEANUP_INPUT_NAMES, deps.env)

  let config: CleanupConfig
  try {
    config = parseCleanupInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) return fail('Invalid input', error.message)
    throw error
  }

  const cancel = cancelOnSignals()
  const transport = new Transport()
  const facts: CleanupFacts = {
    region: config.region,
    dryRun: config.dryRun,
    decisions: [],
    removal: { deleted: [], failed: [] },
    missing: []
  }
  try {
    await runStages(config, deps, cancel.signal, transport, facts)
  } catch (error) {
    const cancelled = error instanceof CancelledError || cancel.signal.aborted
    facts.error = cancelled
      ? `Cancelled after deleting ${facts.removal.deleted.length} image(s).`
      : error instanceof Error
        ? error.message
        : String(error)
    const title = cancelled
      ? 'Cancelled'
      : error instanceof ApiCallError
        ? error.title
        : 'Cleanup failed'
    fail(title, facts.error)
  } finally {
    core.setOutput('deleted-image-ids', JSON.stringify(facts.removal.deleted))
    await writeCleanupSummary(facts).catch(() => undefined)
    transport.dispose()
    cancel.dispose()
  }
}

async function runStages(
  config: CleanupConfig,
  deps: StepDeps,
  signal: AbortSignal,
  transport: Transport,
  facts: CleanupFacts
): Promise<void> {
  const started = deps.clock.now()
  const retry = loggedRetry({
    clock: deps.clock,
    random: deps.random,
    deadline: started + DEADLINE_MS,
    signal
  })
  const { api } = await connect(
    { plan: config.credentials, region: config.region, endpoint: config.endpoint },
    { env: deps.env, transport, retry }
  )

  const selection = await selectImages(api, config.selector, retry)
  facts.missing = selection.missing
  core.info(
    `${selection.images.length} image(s) selected from ${selection.pages} page(s) of DescribeImages.`
  )
  for (const id of selection.missing)
    core.warning(`Image ${id} does not exist in ${config.region}.`)

  facts.decisions = planCleanup(selection.images, {
    keepLatest: config.keepLatest,
    olderThanMs: config.olderThanMs,
    now: deps.clock.now()
  })
  const verdict = config.dryRun ? 'would delete' : 'delete'
  for (const d of facts.decisions) {
    core.info(
      `${d.image.ImageId} '${d.image.ImageName}': ${d.remove ? verdict : 'keep'}: ${d.reason}`
    )
  }
  const doomed = facts.decisions.filter(d => d.remove).map(d => d.image)
  if (config.dryRun) {
    core.info(`Dry run: ${doomed.length} image(s) would be deleted; nothing was changed.`)
    return
  }
  await removeImages(
    api,
    doomed,
    config.deleteSnapshots,
    { ...retry, log: core.info },
    facts.removal
  )
  const { deleted, failed } = facts.removal
  core.info(`Deleted ${deleted.length} image(s) in ${formatDuration(deps.clock.now() - started)}.`)
  if (failed.length > 0) {
    for (const f of failed) core.error(f.error, { title: `Image ${f.imageId} not deleted` })
    process.exitCode = core.ExitCode.Failure
  }
}

// The cleanup action; the only module that knows its stages:
// inputs -> config -> credentials -> select (every page) -> plan -> unshare and delete -> outputs
// and summary.
import * as core from '@actions/core'
import { CancelledError } from '../runner/clock.ts'
import { explain, fail, type Explained } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import { InputError } from '../runner/inputs.ts'
import { log } from '../runner/log.ts'
import { cancelOnSignals, realDeps, type StepDeps } from '../runner/step.ts'
import { Transport } from '../tencent/client.ts'
import { readMaskedInputs } from '../tencent/connection.ts'
import { PUBLISH_REQUESTS_PER_SECOND, Pacer, paced } from '../tencent/pace.ts'
import { connect, loggedRetry } from '../tencent/session.ts'
import { CLEANUP_INPUT_NAMES, parseCleanupInputs, type CleanupConfig } from './inputs.ts'
import { planCleanup } from './plan.ts'
import { removeImages } from './remove.ts'
import { selectImages } from './select.ts'
import { writeCleanupSummary, type CleanupFacts } from './summary.ts'

/** Retries of the API calls stop starting after this long. */
const DEADLINE_MS = 15 * 60_000

export async function run(deps: StepDeps = realDeps()): Promise<void> {
  const raw = readMaskedInputs(CLEANUP_INPUT_NAMES, deps.env)

  let config: CleanupConfig
  try {
    config = parseCleanupInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) return fail(explain(error))
    throw error
  }

  const cancel = cancelOnSignals()
  const transport = new Transport()
  const facts: CleanupFacts = {
    region: config.region,
    dryRun: config.dryRun,
    selected: false,
    decisions: [],
    removal: { deleted: [], failed: [] },
    missing: []
  }
  try {
    await runStages(config, deps, cancel.signal, transport, facts)
  } catch (error) {
    const cancelled = error instanceof CancelledError || cancel.signal.aborted
    facts.failure = cancelled
      ? explain(
          new CancelledError(`Cancelled after deleting ${facts.removal.deleted.length} image(s).`)
        )
      : explain(error, 'Cleanup failed')
  } finally {
    transport.dispose()
    cancel.dispose()
  }
  core.setOutput('deleted-image-ids', JSON.stringify(facts.removal.deleted))
  if (facts.failure) fail(facts.failure)
  for (const f of facts.removal.failed) {
    fail({ title: `Image ${f.imageId} not deleted`, message: f.error } satisfies Explained)
  }
  await writeCleanupSummary(facts)
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
  const session = await connect(config, { env: deps.env, transport, retry })
  // Unsharing and deleting hundreds of images would otherwise spend the account's allowance of
  // 10 a second (shared with every other job) in bursts, as the main action's publish stage would.
  const api = paced(session.api, new Pacer(deps.clock, PUBLISH_REQUESTS_PER_SECOND))

  const selection = await selectImages(api, config.selector, retry)
  facts.selected = true
  facts.missing = selection.missing
  log.info(
    `${selection.images.length} image(s) selected from ${selection.pages} page(s) of DescribeImages.`
  )
  for (const id of selection.missing) log.warning(`Image ${id} does not exist in ${config.region}.`)
  if (selection.unknownTagKey) {
    log.info(
      'DescribeImages says a tag key of tags is used nowhere in the account: no image has it.'
    )
  }

  facts.decisions = planCleanup(selection.images, {
    keepLatest: config.keepLatest,
    olderThanMs: config.olderThanMs,
    now: deps.clock.now()
  })
  const verdict = config.dryRun ? 'would delete' : 'delete'
  for (const d of facts.decisions) {
    log.info(
      `${d.image.ImageId} '${d.image.ImageName}': ${d.remove ? verdict : 'keep'}: ${d.reason}`
    )
  }
  const doomed = facts.decisions.filter(d => d.remove).map(d => d.image)
  if (config.dryRun) {
    log.info(`Dry run: ${doomed.length} image(s) would be deleted; nothing was changed.`)
    return
  }
  await removeImages(
    api,
    doomed,
    config.deleteSnapshots,
    { ...retry, log: log.info },
    facts.removal
  )
  log.info(
    `Deleted ${facts.removal.deleted.length} image(s) in ${formatDuration(deps.clock.now() - started)}.`
  )
}

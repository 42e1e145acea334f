// The promote action; the only module that knows its stages:
// inputs -> config -> credentials -> check every region (nothing changes yet) -> per region:
// family, launch configurations, launch templates, instance refresh -> outputs and summary.
import * as core from '@actions/core'
import { CancelledError } from '../runner/clock.ts'
import { explain, fail } from '../runner/failure.ts'
import { InputError } from '../runner/inputs.ts'
import { log } from '../runner/log.ts'
import { cancelOnSignals, realDeps, type StepDeps } from '../runner/step.ts'
import { Transport } from '../tencent/client.ts'
import { readMaskedInputs } from '../tencent/connection.ts'
import type { RetryContext } from '../tencent/retry.ts'
import { connect, loggedRetry } from '../tencent/session.ts'
import { applyRegion, type RegionOutcome } from './apply.ts'
import { checkRegions, type RegionPlan } from './check.ts'
import { promoteClients } from './clients.ts'
import { PROMOTE_INPUT_NAMES, parsePromoteInputs, type PromoteConfig } from './inputs.ts'
import { howToCancel, startRefresh, waitForRefreshes } from './refresh.ts'
import { writePromoteSummary, type PromoteFacts } from './summary.ts'

export async function run(deps: StepDeps = realDeps()): Promise<void> {
  const raw = readMaskedInputs(PROMOTE_INPUT_NAMES, deps.env)
  let config: PromoteConfig
  try {
    config = parsePromoteInputs(raw, deps.env)
  } catch (error) {
    if (error instanceof InputError) return fail(explain(error))
    throw error
  }

  const cancel = cancelOnSignals()
  const transport = new Transport()
  const facts: PromoteFacts = {
    dryRun: config.dryRun,
    plans: [],
    outcomes: {},
    refreshes: [],
    skippedRefreshes: []
  }
  let region: string | undefined
  try {
    await runStages(config, deps, cancel.signal, transport, facts, r => (region = r))
  } catch (error) {
    const cancelled = error instanceof CancelledError || cancel.signal.aborted
    const failure = explain(error, 'Promotion failed')
    const open = facts.refreshes.filter(r => r.status !== 'SUCCESSFUL' && !r.reason)
    const where = region ? ` in ${region}` : ''
    facts.failure = {
      title: cancelled ? 'Cancelled' : failure.title,
      message: [
        cancelled
          ? `Cancelled${where}.`
          : region
            ? `Promotion failed in ${region}: ${failure.message}`
            : failure.message,
        facts.plans.length > 0 && !config.dryRun ? changedSoFar(facts) : '',
        ...open.map(howToCancel)
      ]
        .filter(Boolean)
        .join(' ')
    }
  } finally {
    transport.dispose()
    cancel.dispose()
  }
  setOutputs(facts)
  if (facts.failure) fail(facts.failure)
  await writePromoteSummary(facts)
}

async function runStages(
  config: PromoteConfig,
  deps: StepDeps,
  signal: AbortSignal,
  transport: Transport,
  facts: PromoteFacts,
  enter: (region: string) => void
): Promise<void> {
  const started = deps.clock.now()
  const deadline = started + config.waitTimeoutMs
  const retry: RetryContext = loggedRetry({
    clock: deps.clock,
    random: deps.random,
    deadline,
    signal
  })
  const { credentials } = await connect(config, { env: deps.env, transport, retry })
  const clients = promoteClients(
    { cvm: config.cvmEndpoints, as: config.asEndpoints, fallback: config.endpoint },
    credentials,
    transport,
    deps.clock
  )
  const clientsFor = (r: string) => ({ cvm: clients.cvm(r), as: clients.as(r) })

  facts.plans = await checkRegions(config, clientsFor, retry)
  for (const plan of facts.plans) logPlan(plan, config.dryRun)
  if (config.dryRun) {
    log.info('Dry run: everything was checked; nothing was changed.')
    return
  }

  const marker = runMarker(deps.env)
  for (const plan of facts.plans) {
    enter(plan.region)
    const outcome: RegionOutcome = { templateVersions: {}, changes: [] }
    facts.outcomes[plan.region] = outcome
    await applyRegion(plan, clientsFor(plan.region), marker, retry, outcome)
    const changedLaunch = outcome.changes.some(c => /launch (configuration|template)/.test(c))
    const refreshes = []
    for (const group of plan.groups) {
      const promoted = plan.launchConfigurations.some(lc => lc.id === group.launchConfigurationId)
      if (!promoted) {
        log.warning(
          `Scaling group ${group.id} in ${plan.region} launches from ${group.launchConfigurationId || 'no launch configuration'}, which this run does not change: its refresh brings ${plan.imageId} only if that launch configuration already has it. Add it to launch-configurations.`
        )
      }
      if (!changedLaunch && group.lastRefresh?.Status === 'SUCCESSFUL') {
        const why = `not refreshed: nothing changed and refresh ${group.lastRefresh.RefreshActivityId} succeeded`
        log.info(`Scaling group ${group.id} in ${plan.region} ${why}.`)
        facts.skippedRefreshes.push({ region: plan.region, groupId: group.id, why })
        continue
      }
      if (group.instanceCount === 0) {
        const why = 'not refreshed: it has no instances'
        log.info(`Scaling group ${group.id} in ${plan.region} ${why}.`)
        facts.skippedRefreshes.push({ region: plan.region, groupId: group.id, why })
        continue
      }
      const refresh = await startRefresh(
        clientsFor(plan.region).as,
        plan.region,
        group.id,
        group.instanceCount,
        { batches: config.refreshBatches, rollbackOnFailure: config.rollbackOnFailure },
        retry
      )
      facts.refreshes.push(refresh)
      outcome.changes.push(`${plan.region}: refresh ${refresh.activityId} of ${group.id} started`)
      refreshes.push(refresh)
    }
    if (refreshes.length > 0) {
      await waitForRefreshes(
        clientsFor(plan.region).as,
        refreshes,
        {
          clock: deps.clock,
          pollIntervalMs: config.pollIntervalMs,
          progressIntervalMs: config.progressIntervalMs,
          deadline,
          rollbackOnFailure: config.rollbackOnFailure,
          signal
        },
        retry
      )
    }
  }
  enter('')
  log.info(`Promoted in ${facts.plans.length} region(s).`)
}

function logPlan(plan: RegionPlan, dryRun: boolean): void {
  const would = dryRun ? 'would ' : 'will '
  const lines: string[] = []
  if (plan.family) {
    const f = plan.family
    if (f.join) lines.push(`${would}put ${plan.imageId} in family ${f.name}`)
    if (f.undeprecate) lines.push(`${would}clear the deprecation of ${plan.imageId}`)
    for (const id of f.deprecate) lines.push(`${would}deprecate ${id} of family ${f.name}`)
  }
  for (const lc of plan.launchConfigurations) {
    lines.push(
      lc.change
        ? `${would}set launch configuration ${lc.id} to ${plan.imageId} (from ${lc.before || 'none'})`
        : `launch configuration ${lc.id} already has ${plan.imageId}`
    )
  }
  for (const t of plan.templates) {
    lines.push(
      t.change
        ? `${would}add a version to launch template ${t.id} from v${t.defaultVersion} (${t.before ?? 'no image'}) with ${plan.imageId} and make it the default`
        : `launch template ${t.id} v${t.defaultVersion} already has ${plan.imageId}`
    )
  }
  for (const g of plan.groups)
    lines.push(
      `${would}refresh scaling group ${g.id} if what it launches changed or its last refresh did not succeed`
    )
  log.info(
    `${plan.region}, image ${plan.imageId}: ${lines.length > 0 ? lines.join('; ') : 'nothing to do'}.`
  )
}

/** What each family, launch configuration and template pointed at before: the rollback target. */
export function previousImages(plans: RegionPlan[]): Record<string, string> {
  const previous: Record<string, string> = {}
  for (const plan of plans) {
    const seen = [
      plan.family?.before,
      ...plan.launchConfigurations.map(lc => lc.before),
      ...plan.templates.map(t => t.before)
    ].filter((id): id is string => !!id)
    if (seen.length === 0) continue
    previous[plan.region] = seen[0]!
    const others = [...new Set(seen)].filter(id => id !== seen[0])
    if (others.length > 0) {
      log.warning(
        `In ${plan.region} the family, launch configurations and templates pointed at different images before (${[...new Set(seen)].join(', ')}); previous names ${seen[0]}, the first of them.`
      )
    }
  }
  return previous
}

function changedSoFar(facts: PromoteFacts): string {
  const changes = Object.values(facts.outcomes).flatMap(o => o.changes)
  return changes.length > 0
    ? `Changed so far: ${changes.join('; ')}. Roll back by promoting the previous output.`
    : 'Nothing was changed.'
}

function setOutputs(facts: PromoteFacts): void {
  const familyImages: Record<string, string> = {}
  const versions: Record<string, number> = {}
  for (const plan of facts.plans) {
    const outcome = facts.outcomes[plan.region]
    const after = facts.dryRun ? plan.family?.before : outcome?.familyAfter
    if (after) familyImages[plan.region] = after
    Object.assign(versions, outcome?.templateVersions ?? {})
  }
  core.setOutput('family-images', JSON.stringify(familyImages))
  core.setOutput('launch-template-versions', JSON.stringify(versions))
  core.setOutput('previous', JSON.stringify(previousImages(facts.plans)))
}

/** Names this run in the template versions it makes, so a resend can find its own. */
function runMarker(env: Record<string, string | undefined>): string {
  const repo = env.GITHUB_REPOSITORY ?? 'local'
  return `Promoted by ${repo} run ${env.GITHUB_RUN_ID ?? '0'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
}

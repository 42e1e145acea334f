// The promote action's job summary: a row per region with its image, the family, every launch
// configuration and template before and after, and every refresh with its outcome.
import type { Explained } from '../runner/failure.ts'
import { escapeHtml as escape } from '../runner/format.ts'
import { writeJobSummary, type Summary } from '../runner/summary.ts'
import type { RegionOutcome } from './apply.ts'
import type { RegionPlan } from './check.ts'
import type { StartedRefresh } from './refresh.ts'

export interface PromoteFacts {
  dryRun: boolean
  plans: RegionPlan[]
  outcomes: Record<string, RegionOutcome>
  refreshes: StartedRefresh[]
  /** Groups left alone, with why. */
  skippedRefreshes: { region: string; groupId: string; why: string }[]
  failure?: Explained
}

const arrow = (before: string | undefined, after: string | undefined) =>
  before === after ? `${before ?? 'none'} (unchanged)` : `${before ?? 'none'} → ${after ?? 'none'}`

export function summaryRows(facts: PromoteFacts): string[][] {
  return facts.plans.map(plan => {
    const outcome = facts.outcomes[plan.region]
    const reached = outcome !== undefined && !facts.dryRun
    const verb = facts.dryRun ? 'would be' : 'not reached'
    const family = plan.family
      ? `${plan.family.name}: ${reached ? arrow(plan.family.before, outcome.familyAfter) : `${plan.family.before ?? 'none'} (${verb} ${plan.imageId})`}`
      : ''
    const changed = (text: string) => outcome?.changes.some(c => c.includes(text)) ?? false
    const lcs = plan.launchConfigurations.map(lc => {
      const after = changed(`launch configuration ${lc.id}`) ? plan.imageId : lc.before
      return `${lc.id}: ${lc.change && !changed(`launch configuration ${lc.id}`) ? `${lc.before} (${verb} ${plan.imageId})` : arrow(lc.before, after)}`
    })
    const templates = plan.templates.map(t => {
      const version = outcome?.templateVersions[t.id]
      if (version === undefined)
        return `${t.id}: v${t.defaultVersion} ${t.before ?? 'none'} (${verb} ${plan.imageId})`
      return version === t.defaultVersion
        ? `${t.id}: v${t.defaultVersion} ${t.before ?? 'none'} (unchanged)`
        : `${t.id}: v${t.defaultVersion} ${t.before ?? 'none'} → v${version} ${plan.imageId}`
    })
    const refreshes = [
      ...facts.refreshes
        .filter(r => r.region === plan.region)
        .map(r => `${r.groupId}: ${r.activityId} ${r.status}${r.reason ? ` (${r.reason})` : ''}`),
      ...facts.skippedRefreshes
        .filter(r => r.region === plan.region)
        .map(r => `${r.groupId}: ${r.why}`)
    ]
    return [
      plan.region,
      plan.imageId,
      family,
      lcs.join('\n'),
      templates.join('\n'),
      refreshes.join('\n')
    ]
  })
}

export async function writePromoteSummary(facts: PromoteFacts): Promise<void> {
  await writeJobSummary(s => build(s, facts))
}

function build(s: Summary, facts: PromoteFacts): void {
  const heading = facts.dryRun
    ? 'Image promotion dry run: nothing was changed'
    : facts.failure
      ? 'Image promotion failed'
      : 'Image promoted'
  s.addHeading(heading, 3)
  const rows = summaryRows(facts)
  if (rows.length > 0) {
    const cell = (text: string) => text.split('\n').map(escape).join('<br>')
    s.addTable([
      ['Region', 'Image', 'Family', 'Launch configurations', 'Launch templates', 'Refreshes'].map(
        data => ({ data, header: true })
      ),
      ...rows.map(row => row.map(cell))
    ])
  }
  if (facts.failure) {
    s.addRaw(`\n**${escape(facts.failure.title)}:** ${escape(facts.failure.message)}\n`)
  }
}

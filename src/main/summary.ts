// The job summary: one table that says what was made, from what, and how long it took. Written
// after the outcome is decided: a summary that cannot be written only warns.
import { REGION_HEADINGS, regionRows, shareNotes } from '../publish/summary.ts'
import { escapeHtml, formatDuration } from '../runner/format.ts'
import type { Env } from '../runner/inputs.ts'
import { writeJobSummary, type Summary } from '../runner/summary.ts'
import type { RunFacts, RunOutcome } from './run-record.ts'

const CODE_ROWS = new Set(['Image ID', 'Request ID'])

const HEADINGS: Record<RunOutcome['kind'], string> = {
  ready: 'CVM image ready',
  created: 'CVM image creation started',
  'dry-run': 'CVM image dry run passed',
  failed: 'CVM image failed',
  cancelled: 'CVM image run cancelled'
}

export function summaryRows(facts: RunFacts): [string, string][] {
  const spec = facts.config.image
  const image = facts.image
  const source = spec.instanceId
    ? `instance ${spec.instanceId}${spec.dataDiskIds.length ? ` with data disks ${spec.dataDiskIds.join(', ')}` : ''}`
    : `snapshots ${spec.snapshotIds.join(', ')}`
  const size = image?.details?.ImageSize
  const rows: [string, string][] = [
    ['Image ID', image?.id ?? '—'],
    ['Name', spec.name],
    ['State', image?.state ?? '—'],
    ['Region', facts.config.region],
    ['Source', source],
    ['Size', size !== undefined ? `${size} GiB` : '—'],
    ['Elapsed', formatDuration(facts.elapsedMs)],
    ['Request ID', facts.requestId || '—']
  ]
  if (spec.family) rows.push(['Image family', spec.family])
  if (spec.tags.length) rows.push(['Tags', spec.tags.map(t => `${t.Key}=${t.Value}`).join(', ')])
  if (image?.how === 'adopted') rows.push(['Note', 'adopted after a lost CreateImage answer'])
  if (image?.how === 'reused') rows.push(['Note', 'existing image reused (if-exists: reuse)'])
  if (facts.replaced) rows.push(['Note', `replaced ${facts.replaced} (if-exists: replace)`])
  return rows
}

/** One row per phase that ran, so a slow one shows at a glance: ['Wait', '4m 12s (37 polls)']. */
export function phaseRows(facts: RunFacts): [string, string][] {
  return facts.phases.map(p => [p.phase, `${formatDuration(p.ms)}${p.note ? ` (${p.note})` : ''}`])
}

export async function writeSummary(facts: RunFacts, env: Env = process.env): Promise<void> {
  await writeJobSummary(s => build(s, facts), env)
}

function build(s: Summary, facts: RunFacts): void {
  {
    s.addHeading(HEADINGS[facts.outcome.kind], 3)
    s.addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...summaryRows(facts).map(([k, v]) => [
        k,
        CODE_ROWS.has(k) && v !== '—' ? `<code>${escapeHtml(v)}</code>` : escapeHtml(v)
      ])
    ])
    const source = { imageId: facts.image?.id, state: facts.image?.state }
    const regions = regionRows(facts.published, source)
    if (regions.length > 0) {
      s.addHeading('Regions', 4)
      s.addTable([
        REGION_HEADINGS.map(data => ({ data, header: true })),
        ...regions.map(row => row.map(escapeHtml))
      ])
      for (const note of shareNotes(facts.published)) s.addRaw(`\n${escapeHtml(note)}\n`)
    }
    if (facts.phases.length > 0) {
      s.addHeading('Time per phase', 4)
      s.addTable([
        [
          { data: 'Phase', header: true },
          { data: 'Time', header: true }
        ],
        ...phaseRows(facts).map(row => row.map(escapeHtml))
      ])
    }
    const outcome = facts.outcome
    if (outcome.kind === 'failed' || outcome.kind === 'cancelled') {
      s.addRaw(`\n**Error:** ${escapeHtml(outcome.failure.message)}\n`)
    }
  }
}

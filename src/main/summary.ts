// The job summary: one table that says what was made, from what, and how long it took.
import * as core from '@actions/core'
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { ImageSpec } from './inputs.ts'
import { REGION_HEADINGS, regionRows, shareNotes } from './publish-summary.ts'
import type { Published } from './published.ts'
import { formatDuration } from './wait.ts'

export interface SummaryFacts {
  outcome: 'ready' | 'created' | 'dry-run' | 'failed' | 'cancelled'
  region: string
  spec: ImageSpec
  imageId?: string
  state?: string
  image?: Image
  requestId?: string
  elapsedMs: number
  adopted?: boolean
  /** An image of the same name adopted by if-exists: reuse; this run created nothing. */
  reused?: boolean
  /** The image if-exists: replace deleted before creating this one. */
  replaced?: string
  error?: string
  published?: Published
}

const CODE_ROWS = new Set(['Image ID', 'Request ID'])

const HEADINGS: Record<SummaryFacts['outcome'], string> = {
  ready: 'CVM image ready',
  created: 'CVM image creation started',
  'dry-run': 'CVM image dry run passed',
  failed: 'CVM image failed',
  cancelled: 'CVM image run cancelled'
}

export function summaryRows(facts: SummaryFacts): [string, string][] {
  const { spec, image } = facts
  const source = spec.instanceId
    ? `instance ${spec.instanceId}${spec.dataDiskIds.length ? ` with data disks ${spec.dataDiskIds.join(', ')}` : ''}`
    : `snapshots ${spec.snapshotIds.join(', ')}`
  const rows: [string, string][] = [
    ['Image ID', facts.imageId ?? '—'],
    ['Name', spec.name],
    ['State', facts.state ?? '—'],
    ['Region', facts.region],
    ['Source', source],
    ['Size', image?.ImageSize !== undefined ? `${image.ImageSize} GiB` : '—'],
    ['Elapsed', formatDuration(facts.elapsedMs)],
    ['Request ID', facts.requestId || '—']
  ]
  if (spec.family) rows.push(['Image family', spec.family])
  if (spec.tags.length) rows.push(['Tags', spec.tags.map(t => `${t.Key}=${t.Value}`).join(', ')])
  if (facts.adopted) rows.push(['Note', 'adopted after a lost CreateImage answer'])
  if (facts.reused) rows.push(['Note', 'existing image reused (if-exists: reuse)'])
  if (facts.replaced) rows.push(['Note', `replaced ${facts.replaced} (if-exists: replace)`])
  return rows
}

export async function writeSummary(facts: SummaryFacts): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const s = core.summary.addHeading(HEADINGS[facts.outcome], 3)
  s.addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...summaryRows(facts).map(([k, v]) => [
      k,
      CODE_ROWS.has(k) && v !== '—' ? `<code>${escapeCell(v)}</code>` : escapeCell(v)
    ])
  ])
  const regions = facts.published ? regionRows(facts.published, facts) : []
  if (regions.length > 0) {
    s.addHeading('Regions', 4)
    s.addTable([
      REGION_HEADINGS.map(data => ({ data, header: true })),
      ...regions.map(row => row.map(escapeCell))
    ])
    for (const note of shareNotes(facts.published!)) s.addRaw(`\n${escapeCell(note)}\n`)
  }
  if (facts.error) s.addRaw(`\n**Error:** ${escapeCell(facts.error)}\n`)
  await s.write()
}

function escapeCell(text: string): string {
  return text.replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
}

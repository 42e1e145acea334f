// The cleanup action's job summary: every selected image, whether it went or stayed, and why.
import type { Explained } from '../runner/failure.ts'
import { escapeHtml as escape } from '../runner/format.ts'
import { writeJobSummary, type Summary } from '../runner/summary.ts'
import type { Decision } from './plan.ts'
import type { Removal } from './remove.ts'

export interface CleanupFacts {
  region: string
  dryRun: boolean
  /** The selection was made (its look-ups did not fail). */
  selected: boolean
  decisions: Decision[]
  removal: Removal
  missing: string[]
  failure?: Explained
}

export function summaryRows(facts: CleanupFacts): string[][] {
  const deleted = new Set(facts.removal.deleted)
  const failed = new Map(facts.removal.failed.map(f => [f.imageId, f.error]))
  return facts.decisions.map(({ image, remove, reason }) => {
    const id = image.ImageId ?? ''
    const action = !remove
      ? 'kept'
      : facts.dryRun
        ? 'would delete'
        : deleted.has(id)
          ? 'deleted'
          : failed.has(id)
            ? 'NOT deleted'
            : 'not reached'
    const why = failed.has(id) ? `${reason}; ${failed.get(id)}` : reason
    return [id, image.ImageName ?? '', image.CreatedTime ?? '', image.ImageState ?? '', action, why]
  })
}

export async function writeCleanupSummary(facts: CleanupFacts): Promise<void> {
  await writeJobSummary(s => build(s, facts))
}

function build(s: Summary, facts: CleanupFacts): void {
  const rows = summaryRows(facts)
  const count = (action: string) => rows.filter(row => row[4] === action).length
  const heading = facts.dryRun
    ? `Image cleanup dry run: ${count('would delete')} would be deleted, ${count('kept')} kept`
    : `Image cleanup: ${count('deleted')} deleted, ${count('kept')} kept`
  s.addHeading(heading, 3).addRaw(`Region ${facts.region}.\n\n`)
  if (!facts.selected) s.addRaw('The images could not be selected: see the error below.\n')
  else if (rows.length === 0) s.addRaw('No image matched.\n')
  else {
    s.addTable([
      ['Image ID', 'Name', 'Created', 'State', 'Action', 'Why'].map(data => ({
        data,
        header: true
      })),
      ...rows.map(row =>
        row.map((cell, i) => (i === 0 ? `<code>${escape(cell)}</code>` : escape(cell)))
      )
    ])
  }
  if (facts.missing.length > 0) {
    s.addRaw(`\nNot found in ${facts.region}: ${facts.missing.map(escape).join(', ')}\n`)
  }
  if (facts.failure) {
    s.addRaw(`\n**${escape(facts.failure.title)}:** ${escape(facts.failure.message)}\n`)
  }
}

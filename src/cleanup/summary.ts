// The cleanup action's job summary: every selected image, whether it went or stayed, and why.
import * as core from '@actions/core'
import type { Decision } from './plan.ts'
import type { Removal } from './remove.ts'

export interface CleanupFacts {
  region: string
  dryRun: boolean
  decisions: Decision[]
  removal: Removal
  missing: string[]
  error?: string
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
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows = summaryRows(facts)
  const count = (action: string) => rows.filter(row => row[4] === action).length
  const heading = facts.dryRun
    ? `Image cleanup dry run: ${count('would delete')} would be deleted, ${count('kept')} kept`
    : `Image cleanup: ${count('deleted')} deleted, ${count('kept')} kept`
  const s = core.summary.addHeading(heading, 3).addRaw(`Region ${facts.region}.\n\n`)
  if (rows.length === 0) s.addRaw('No image matched.\n')
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
  if (facts.error) s.addRaw(`\n**Error:** ${escape(facts.error)}\n`)
  await s.write()
}

function escape(text: string): string {
  return text.replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
}

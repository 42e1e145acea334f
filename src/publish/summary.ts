// The job summary's table for copy-to-regions and share-with-accounts: one row per region.
import { IMAGE_STATE } from '../image/states.ts'
import { NOT_COPIED, type Published } from './published.ts'
import { formatDuration } from '../runner/format.ts'

export const REGION_HEADINGS = [
  'Region',
  'Image ID',
  'State',
  'Time taken',
  'Tags and family',
  'Shared with'
]

export interface SourceFacts {
  imageId?: string
  state?: string
}

/** Rows of plain text, or none when the run neither copied nor shared. */
export function regionRows(published: Published, source: SourceFacts): string[][] {
  const asked = published.copies.length > 0 || published.accountIds.length > 0
  if (!asked || !source.imageId) return []
  const sharedWith = (imageId: string | undefined): string => {
    const accounts = published.shares.filter(s => s.imageId === imageId).flatMap(s => s.accountIds)
    return accounts.length ? accounts.join(', ') : '—'
  }
  const time = (ms: number | undefined): string => (ms === undefined ? '—' : formatDuration(ms))
  const rows = [
    [
      `${published.sourceRegion} (source)`,
      source.imageId ?? '—',
      source.state ?? '—',
      time(published.sourceElapsedMs),
      labelsOf(published.labels, true, published.labels?.family),
      sharedWith(source.imageId)
    ]
  ]
  for (const copy of published.copies) {
    const state =
      copy.state === NOT_COPIED
        ? 'not copied'
        : copy.state === IMAGE_STATE.syncing && copy.syncPercent !== undefined
          ? `SYNCING (${copy.syncPercent}%)`
          : copy.state
    rows.push([
      copy.region,
      copy.imageId ?? '—',
      copy.adopted ? `${state} (adopted after a lost SyncImages answer)` : state,
      time(copy.elapsedMs),
      !copy.imageId
        ? '—'
        : copy.reused
          ? 'as found'
          : labelsOf(published.labels, copy.tagged, copy.family),
      copy.imageId ? sharedWith(copy.imageId) : '—'
    ])
  }
  return rows
}

/**
 * What an image carries of the source's tags and family, against what it should: '3 tags, family
 * web' or 'not tagged, no family'; '—' when there is nothing to carry, or the copies were never
 * tagged (the run stopped before).
 */
function labelsOf(
  wanted: Published['labels'],
  tagged: boolean | undefined,
  family: string | undefined
): string {
  if (!wanted) return '—'
  const parts: string[] = []
  if (wanted.tags > 0) {
    parts.push(tagged ? `${wanted.tags} tag${wanted.tags === 1 ? '' : 's'}` : 'not tagged')
  }
  if (wanted.family !== '') {
    parts.push(family === wanted.family ? `family ${wanted.family}` : 'no family')
  }
  return parts.length ? parts.join(', ') : '—'
}

/** Lines under the table: which accounts were asked for, and which the API refused. */
export function shareNotes(published: Published): string[] {
  if (published.accountIds.length === 0) return []
  const notes = [`Accounts to share with: ${published.accountIds.join(', ')}`]
  for (const f of published.failedAccounts) notes.push(`Refused: ${f.accountId}. ${f.reason}`)
  return notes
}

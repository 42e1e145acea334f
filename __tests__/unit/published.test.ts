import { describe, expect, it } from '@jest/globals'
import { regionRows, shareNotes } from '../../src/publish/summary.ts'
import { imagesOutput, madeCopies, newPublished } from '../../src/publish/published.ts'

function example() {
  const published = newPublished(
    'ap-guangzhou',
    ['ap-shanghai', 'ap-beijing', 'ap-nowhere'],
    ['100000000002']
  )
  const [shanghai, beijing] = published.copies
  Object.assign(shanghai!, { imageId: 'img-sh000001', state: 'NORMAL', elapsedMs: 61_000 })
  Object.assign(beijing!, {
    imageId: 'img-bj000001',
    state: 'SYNCING',
    syncPercent: 40,
    elapsedMs: 3_000
  })
  published.sourceElapsedMs = 90_000
  published.shares.push(
    { region: 'ap-guangzhou', imageId: 'img-src00001', accountIds: ['100000000002'] },
    { region: 'ap-shanghai', imageId: 'img-sh000001', accountIds: ['100000000002'] }
  )
  return published
}

describe('imagesOutput', () => {
  it('maps each region to its image, the source first, and leaves out regions with none', () => {
    expect(imagesOutput(example(), 'img-src00001')).toEqual({
      'ap-guangzhou': 'img-src00001',
      'ap-shanghai': 'img-sh000001',
      'ap-beijing': 'img-bj000001'
    })
    expect(JSON.stringify(imagesOutput(example(), 'img-src00001'))).toMatch(/^\{"ap-guangzhou"/)
  })

  it('is empty without an image (a dry run), and the source alone when nothing is copied', () => {
    expect(imagesOutput(newPublished('ap-guangzhou', ['ap-shanghai'], []), undefined)).toEqual({})
    expect(imagesOutput(newPublished('ap-guangzhou', [], []), 'img-src00001')).toEqual({
      'ap-guangzhou': 'img-src00001'
    })
  })

  it('madeCopies lists what a cleanup would have to delete', () => {
    expect(madeCopies(example())).toEqual([
      { region: 'ap-shanghai', imageId: 'img-sh000001' },
      { region: 'ap-beijing', imageId: 'img-bj000001' }
    ])
  })
})

describe('the summary rows', () => {
  it('has one row per region: image, state, time taken, accounts shared with', () => {
    expect(regionRows(example(), { imageId: 'img-src00001', state: 'NORMAL' })).toEqual([
      ['ap-guangzhou (source)', 'img-src00001', 'NORMAL', '1m 30s', '—', '100000000002'],
      ['ap-shanghai', 'img-sh000001', 'NORMAL', '1m 1s', '—', '100000000002'],
      ['ap-beijing', 'img-bj000001', 'SYNCING (40%)', '3s', '—', '—'],
      ['ap-nowhere', '—', 'not copied', '—', '—', '—']
    ])
    expect(shareNotes(example())).toEqual(['Accounts to share with: 100000000002'])
  })

  it('says which copies carry the source tags and family, once the copies were tagged', () => {
    const published = example()
    published.labels = { tags: 3, family: 'web' }
    const [shanghai, beijing] = published.copies
    Object.assign(shanghai!, { tagged: true, family: 'web' })
    Object.assign(beijing!, { state: 'CREATEFAILED' })
    const labels = (p: typeof published) =>
      regionRows(p, { imageId: 'img-src00001', state: 'NORMAL' }).map(row => row[4])
    expect(labels(published)).toEqual([
      '3 tags, family web',
      '3 tags, family web',
      'not tagged, no family',
      '—'
    ])
    Object.assign(shanghai!, { reused: true })
    published.labels = { tags: 1, family: '' }
    expect(labels(published)).toEqual(['1 tag', 'as found', 'not tagged', '—'])
    published.labels = { tags: 0, family: '' }
    expect(labels(published)).toEqual(['—', 'as found', '—', '—'])
  })

  it('has no rows when nothing was asked, or there is no image', () => {
    expect(regionRows(newPublished('ap-guangzhou', [], []), { imageId: 'img-src00001' })).toEqual(
      []
    )
    expect(regionRows(example(), {})).toEqual([])
  })
})

import { describe, expect, it } from '@jest/globals'
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { parseCleanupInputs, parseDuration } from '../../src/cleanup/inputs.ts'
import { planCleanup } from '../../src/cleanup/plan.ts'
import { matches } from '../../src/cleanup/select.ts'
import { InputError } from '../../src/runner/inputs.ts'

const keys = { 'secret-id': 'AKIDexampleexampleexampleexample1234', 'secret-key': 'k'.repeat(32) }

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['1d12h', 36 * 3_600_000],
    ['30m', 1_800_000],
    ['2w', 14 * 86_400_000],
    ['90s', 90_000]
  ])('%s', (text, ms) => expect(parseDuration('older-than', text)).toBe(ms))

  it.each(['7', 'd', '1.5d', '7 days', '-1d', '0d'])('refuses %s', text => {
    expect(() => parseDuration('older-than', text)).toThrow(InputError)
  })
})

describe('parseCleanupInputs', () => {
  it('takes region, endpoint and credentials like the main action', () => {
    const config = parseCleanupInputs(
      { region: 'ap-shanghai-fsi', 'image-name': 'app', ...keys },
      {}
    )
    expect(config.endpoint.host).toBe('cvm.ap-shanghai-fsi.tencentcloudapi.com')
    expect(config.credentials.source).toBe('inputs')
    expect(config.selector).toEqual({ by: 'name', name: 'app' })
    expect(config.keepLatest).toBe(0)
    expect(config.deleteSnapshots).toBe(true)
    expect(config.dryRun).toBe(false)
    expect(config.olderThanMs).toBeUndefined()
  })

  it('combines name-prefix and tags, at most 8 tags', () => {
    const config = parseCleanupInputs(
      { region: 'ap-guangzhou', 'name-prefix': 'pr-', tags: 'ci=pr', ...keys },
      {}
    )
    expect(config.selector).toEqual({
      by: 'filters',
      prefix: 'pr-',
      tags: [{ Key: 'ci', Value: 'pr' }]
    })
    const nine = Array.from({ length: 9 }, (_, i) => `k${i}=v`).join(',')
    expect(() => parseCleanupInputs({ region: 'ap-guangzhou', tags: nine, ...keys }, {})).toThrow(
      "Input 'tags': at most 8 tags"
    )
  })

  it('needs credentials', () => {
    expect(() => parseCleanupInputs({ region: 'ap-guangzhou', 'image-name': 'a' }, {})).toThrow(
      "Input 'secret-id': no credentials"
    )
  })
})

const NOW = Date.parse('2026-11-22T00:00:00Z')
const image = (id: string, daysOld: number, more: Partial<Image> = {}): Image => ({
  ImageId: id,
  ImageName: id,
  ImageType: 'PRIVATE_IMAGE',
  ImageState: 'NORMAL',
  CreatedTime: new Date(NOW - daysOld * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  ...more
})

describe('planCleanup', () => {
  it('keeps the newest NORMAL images; a failed or busy image is not one of them', () => {
    const plan = planCleanup(
      [
        image('a', 5),
        image('b', 1),
        image('failed', 0, { ImageState: 'CREATEFAILED' }),
        image('busy', 0, { ImageState: 'CREATING' }),
        image('c', 3)
      ],
      { keepLatest: 2, now: NOW }
    )
    expect(plan.map(d => [d.image.ImageId, d.remove])).toEqual([
      ['failed', true],
      ['busy', false],
      ['b', false],
      ['c', false],
      ['a', true]
    ])
    expect(plan[1]!.reason).toBe('CREATING: cannot be deleted until that ends')
  })

  it('keeps public and shared-with-me images whatever the rules say', () => {
    const plan = planCleanup(
      [
        image('pub', 9, { ImageType: 'PUBLIC_IMAGE' }),
        image('shr', 9, { ImageType: 'SHARED_IMAGE' })
      ],
      { keepLatest: 0, now: NOW }
    )
    expect(plan.every(d => !d.remove)).toBe(true)
  })

  it('older-than keeps the young and those of unknown age', () => {
    const plan = planCleanup(
      [image('old', 8), image('young', 6), image('unknown', 0, { CreatedTime: undefined })],
      { keepLatest: 0, olderThanMs: 7 * 86_400_000, now: NOW }
    )
    const byId = Object.fromEntries(plan.map(d => [d.image.ImageId, d]))
    expect(byId.old).toMatchObject({ remove: true, reason: '8d old, older than 7d' })
    expect(byId.young).toMatchObject({ remove: false, reason: '6d old, younger than 7d' })
    expect(byId.unknown!.remove).toBe(false)
  })
})

describe('matches', () => {
  it('compares names exactly and prefixes case-sensitively', () => {
    const named = (ImageName: string): Image => ({ ImageName, Tags: [{ Key: 'k', Value: 'v' }] })
    expect(matches(named('app'), { by: 'name', name: 'app' })).toBe(true)
    expect(matches(named('app-2'), { by: 'name', name: 'app' })).toBe(false)
    expect(matches(named('App'), { by: 'name', name: 'app' })).toBe(false)
    const prefix = { by: 'filters' as const, prefix: 'pr-', tags: [{ Key: 'k', Value: 'v' }] }
    expect(matches(named('pr-1'), prefix)).toBe(true)
    expect(matches(named('PR-1'), prefix)).toBe(false)
    expect(matches(named('xpr-1'), prefix)).toBe(false)
    expect(matches(named('pr-1'), { ...prefix, tags: [{ Key: 'k', Value: 'w' }] })).toBe(false)
  })
})

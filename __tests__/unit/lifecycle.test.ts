import { describe, expect, it } from '@jest/globals'
import { handleExisting, snapshotsAreDisposable } from '../../src/image/if-exists.ts'
import type { ImageSpec } from '../../src/image/spec.ts'
import { parseLifecycle } from '../../src/main/lifecycle.ts'
import { InputError } from '../../src/runner/inputs.ts'
import { fakeApi, fakeClock } from '../../__fixtures__/fakes.ts'

const parse = (raw: Record<string, string>) => parseLifecycle(name => raw[name] ?? '')

describe('parseLifecycle', () => {
  it('defaults: fail, no cleanup, 300 s cleanup wait, provenance on', () => {
    expect(parse({})).toEqual({
      ifExists: 'fail',
      cleanupOnFailure: false,
      cleanupWaitMs: 300_000,
      provenanceTags: true
    })
  })

  it.each<[Record<string, string>, string]>([
    [{ 'if-exists': 'Reuse' }, "Input 'if-exists': must be fail, reuse or replace"],
    [{ 'cleanup-on-failure': 'yes' }, "Input 'cleanup-on-failure': must be 'true' or 'false'"],
    [{ 'cleanup-wait-seconds': '3601' }, "Input 'cleanup-wait-seconds': must be between 0"],
    [{ 'provenance-tags': 'off' }, "Input 'provenance-tags': must be 'true' or 'false'"]
  ])('refuses %j', (raw, message) => {
    expect(() => parse(raw)).toThrow(InputError)
    expect(() => parse(raw)).toThrow(message)
  })
})

const spec: ImageSpec = {
  name: 'app',
  instanceId: 'ins-abcd1234',
  snapshotIds: [],
  dataDiskIds: [],
  forcePoweroff: false,
  sysprep: false,
  dryRun: false,
  tags: []
}

describe('handleExisting: replace', () => {
  it('waits on the injected clock for a CREATING image, then deletes it', async () => {
    const clock = fakeClock()
    let polls = 0
    const api = fakeApi((action, params) => {
      if (action === 'DescribeImages' && params.Filters) {
        return {
          TotalCount: 2,
          ImageSet: [
            { ImageId: 'img-app2', ImageName: 'app-2', ImageState: 'NORMAL' },
            { ImageId: 'img-app1', ImageName: 'app', ImageState: 'CREATING' }
          ]
        }
      }
      if (action === 'DescribeImages') {
        polls++
        return {
          ImageSet: [
            {
              ImageId: 'img-app1',
              ImageState: polls < 3 ? 'CREATING' : 'NORMAL',
              Tags: [{ Key: 'github:repository', Value: 'octo-org/octo-repo' }]
            }
          ]
        }
      }
      if (action === 'DescribeImageSharePermission') return { SharePermissionSet: [] }
      return {}
    })
    const { outcome, found } = await handleExisting(api, spec, 'replace', {
      clock,
      random: () => 0.5,
      deadline: clock.now() + 600_000,
      log: () => undefined,
      pollMs: 10_000,
      repository: 'octo-org/octo-repo'
    })
    expect(outcome).toEqual({ kind: 'replaced', imageId: 'img-app1' })
    // Every image that had the name, as listed before anything was deleted; not the fuzzy match.
    expect(found).toEqual([{ ImageId: 'img-app1', ImageName: 'app', ImageState: 'CREATING' }])
    expect(clock.sleeps).toEqual([10_000, 10_000])
    expect(api.calls.at(-1)).toEqual({
      action: 'DeleteImages',
      params: { ImageIds: ['img-app1'], DeleteBindedSnap: true }
    })
    expect(api.calls.some(c => JSON.stringify(c.params).includes('img-app2'))).toBe(false)
  })

  it('gives up at the deadline', async () => {
    const clock = fakeClock()
    const api = fakeApi((_, params) =>
      params.Filters
        ? {
            TotalCount: 1,
            ImageSet: [{ ImageId: 'img-app1', ImageName: 'app', ImageState: 'SYNCING' }]
          }
        : { ImageSet: [{ ImageId: 'img-app1', ImageState: 'SYNCING' }] }
    )
    await expect(
      handleExisting(api, spec, 'replace', {
        clock,
        random: () => 0.5,
        deadline: clock.now() + 60_000,
        log: () => undefined,
        pollMs: 8_000
      })
    ).rejects.toThrow("Image img-app1 ('app') is still SYNCING after 1m")
    expect(api.calls.some(c => c.action === 'DeleteImages')).toBe(false)
  })
})

describe('handleExisting: fail', () => {
  const context = () => {
    const clock = fakeClock()
    return { clock, random: () => 0.5, deadline: clock.now() + 600_000, pollMs: 10_000 }
  }

  it('looks the name up, leaves a taken name to CreateImage, and says what had it', async () => {
    const lines: string[] = []
    const api = fakeApi(() => ({
      TotalCount: 2,
      ImageSet: [
        { ImageId: 'img-app2', ImageName: 'app-2', ImageState: 'NORMAL' },
        { ImageId: 'img-app1', ImageName: 'app', ImageState: 'NORMAL' }
      ]
    }))
    const existing = await handleExisting(api, spec, 'fail', {
      ...context(),
      log: line => lines.push(line)
    })
    expect(existing).toEqual({
      outcome: { kind: 'none' },
      found: [{ ImageId: 'img-app1', ImageName: 'app', ImageState: 'NORMAL' }]
    })
    expect(api.calls.map(c => [c.action, c.params.Filters])).toEqual([
      [
        'DescribeImages',
        [
          { Name: 'image-name', Values: ['app'] },
          { Name: 'image-type', Values: ['PRIVATE_IMAGE'] }
        ]
      ]
    ])
    expect(lines).toEqual([])
  })

  it('finds nothing when the name is free', async () => {
    const api = fakeApi(() => ({ TotalCount: 0, ImageSet: [] }))
    const existing = await handleExisting(api, spec, 'fail', { ...context(), log: () => undefined })
    expect(existing).toEqual({ outcome: { kind: 'none' }, found: [] })
    expect(api.calls).toHaveLength(1)
  })

  it('sends nothing for a dry run', async () => {
    const api = fakeApi(() => {
      throw new Error('no call expected')
    })
    const existing = await handleExisting(api, { ...spec, dryRun: true }, 'fail', {
      ...context(),
      log: () => undefined
    })
    expect(existing).toEqual({ outcome: { kind: 'none' }, found: [] })
    expect(api.calls).toEqual([])
  })
})

describe('handleExisting: reuse', () => {
  it('adopts the image that has the name, and says it was found', async () => {
    const clock = fakeClock()
    const image = { ImageId: 'img-app1', ImageName: 'app', ImageState: 'NORMAL' }
    const api = fakeApi(() => ({ TotalCount: 1, ImageSet: [image] }))
    const existing = await handleExisting(api, spec, 'reuse', {
      clock,
      random: () => 0.5,
      deadline: clock.now() + 600_000,
      log: () => undefined,
      pollMs: 10_000
    })
    expect(existing).toEqual({ outcome: { kind: 'reuse', image }, found: [image] })
  })
})

describe('snapshotsAreDisposable', () => {
  const fromInstance = { ...spec, instanceId: 'ins-abcd1234', snapshotIds: [] }
  const madeHere = { Tags: [{ Key: 'github:repository', Value: 'octo-org/octo-repo' }] }

  it('lets the snapshots go with an image this action made here, replaced from an instance', () => {
    expect(snapshotsAreDisposable(madeHere, fromInstance, 'octo-org/octo-repo')).toBe(true)
  })

  it.each([
    ['made elsewhere', { Tags: [{ Key: 'github:repository', Value: 'other/repo' }] }, fromInstance],
    ['without provenance tags', { Tags: [] }, fromInstance],
    [
      'replaced from snapshots',
      madeHere,
      { ...spec, instanceId: undefined, snapshotIds: ['snap-aaaa1111'] }
    ]
  ])('keeps the snapshots of an image %s', (_, old, next) => {
    expect(snapshotsAreDisposable(old, next as typeof spec, 'octo-org/octo-repo')).toBe(false)
  })

  it('keeps them when the repository is unknown', () => {
    expect(snapshotsAreDisposable(madeHere, fromInstance, undefined)).toBe(false)
  })
})

// The cleanup action: cleanup/dist/index.js, run as the runner runs `uses: <repo>/cleanup@v1`,
// against the emulator.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator, NewImage } from '../../emulator/index.ts'
import { runAction } from '../../harness/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  calls,
  emulator,
  errorAnnotations,
  expectNoSecrets
} from './support.ts'

let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

function cleanupInputs(extra: Record<string, string>): Record<string, string> {
  return {
    region: SEED.region,
    endpoint: emu.url,
    'secret-id': TEST_CREDENTIALS.secretId,
    'secret-key': TEST_CREDENTIALS.secretKey,
    ...extra
  }
}

function runCleanup(extra: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({ actionDir: 'cleanup', timeoutMs: 60_000, inputs: cleanupInputs(extra), env })
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const DAY = 86_400_000
const add = (name: string, more: Partial<NewImage> = {}) =>
  emu.state.addImage({ name, region: SEED.region, ...more }).ImageId
const exists = (id: string) => emu.state.getImage(id) !== undefined
const deletedIds = (run: { outputs: Record<string, string> }) =>
  JSON.parse(run.outputs['deleted-image-ids'] ?? 'null') as string[]

describe('cleanup action', () => {
  it('deletes the own image of exactly image-name and no near miss', async () => {
    emu = await emulator()
    const target = add('pr-12')
    const nearMisses = [
      add('pr-123'),
      add('pr-12-old'),
      add('PR-12'),
      add('xpr-12'),
      add('pr-12', { imageType: 'SHARED_IMAGE' })
    ]
    const run = await runCleanup({ 'image-name': 'pr-12' })
    expect(run.exitCode).toBe(0)
    expect(deletedIds(run)).toEqual([target])
    expect(exists(target)).toBe(false)
    for (const id of nearMisses) expect(exists(id)).toBe(true)
    expect(calls(emu, 'DeleteImages').map(c => c.params)).toEqual([
      { ImageIds: [target], DeleteBindedSnap: true }
    ])
    expect(run.summary).toContain('Image cleanup: 1 deleted, 0 kept')
    expect(run.summary).toContain(target)
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey])
  })

  it('pages through 250 images and keeps the newest by CreatedTime (keep-latest)', async () => {
    emu = await emulator()
    const start = Date.now() - 300 * 60_000
    const family = Array.from({ length: 250 }, (_, i) =>
      add(`fam-${String(i).padStart(3, '0')}`, { createdTime: iso(start + i * 60_000) })
    )
    const nearMisses = [
      add('famx-1', { createdTime: iso(start - DAY) }),
      add('my-fam-1', { createdTime: iso(start - DAY) }),
      add('FAM-1', { createdTime: iso(start - DAY) })
    ]
    const run = await runCleanup({ 'name-prefix': 'fam-', 'keep-latest': '245' })
    expect(run.exitCode).toBe(0)
    // The five oldest are on the last page of the newest-first listing.
    expect(deletedIds(run).sort()).toEqual(family.slice(0, 5).sort())
    for (const id of [...family.slice(5), ...nearMisses]) expect(exists(id)).toBe(true)
    const offsets = calls(emu, 'DescribeImages').map(c => c.params.Offset)
    expect(offsets).toEqual([0, 100, 200])
    expect(calls(emu, 'DeleteImages')).toHaveLength(1)
    expect(run.stdout).toContain('250 image(s) selected from 3 page(s)')
    expect(run.summary).toContain('not among the newest 245')
    expect(run.summary).toContain('among the newest 245 (keep-latest)')
  })

  it('dry-run lists what would go and changes nothing', async () => {
    emu = await emulator()
    const ids = [1, 2, 3].map(i => add(`nightly-${i}`, { createdTime: iso(Date.now() - i * DAY) }))
    const run = await runCleanup({
      'name-prefix': 'nightly-',
      'keep-latest': '1',
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(deletedIds(run)).toEqual([])
    expect(ids.every(exists)).toBe(true)
    expect(calls(emu).map(c => c.action)).toEqual(['DescribeImages'])
    expect(run.summary).toContain('Image cleanup dry run: 2 would be deleted, 1 kept')
    expect(run.stdout).toContain(`${ids[2]} 'nightly-3': would delete`)
  })

  it('selects by tags and keeps images younger than older-than', async () => {
    emu = await emulator()
    const ci = [{ Key: 'ci', Value: 'pr' }]
    const old = add('a', { tags: ci, createdTime: iso(Date.now() - 10 * DAY) })
    const young = add('b', { tags: ci, createdTime: iso(Date.now() - 2 * DAY) })
    const otherValue = add('c', {
      tags: [{ Key: 'ci', Value: 'prod' }],
      createdTime: iso(Date.now() - 10 * DAY)
    })
    const untagged = add('d', { createdTime: iso(Date.now() - 10 * DAY) })
    const run = await runCleanup({ tags: 'ci=pr', 'older-than': '7d' })
    expect(run.exitCode).toBe(0)
    expect(deletedIds(run)).toEqual([old])
    expect([young, otherValue, untagged].every(exists)).toBe(true)
    expect(run.summary).toMatch(/2d( \dh)? old, younger than 7d/)
    expect(run.summary).toMatch(/10d( \dh)? old, older than 7d/)
  })

  it('never deletes public or shared-with-me images, waits out nothing busy, and unshares first', async () => {
    emu = await emulator()
    const creating = add('building', { state: 'CREATING' })
    const run = await runCleanup({
      'image-ids': [
        SEED.images.public,
        SEED.images.sharedWithMe,
        SEED.images.ownShared,
        creating,
        'img-gone0000'
      ].join(',')
    })
    expect(run.exitCode).toBe(0)
    expect(deletedIds(run)).toEqual([SEED.images.ownShared])
    expect(exists(SEED.images.public)).toBe(true)
    expect(exists(SEED.images.sharedWithMe)).toBe(true)
    expect(exists(creating)).toBe(true)
    const order = calls(emu)
      .map(c => c.action)
      .filter(a => a !== 'DescribeImages')
    expect(order).toEqual([
      'DescribeImageSharePermission',
      'ModifyImageSharePermission',
      'DeleteImages'
    ])
    expect(calls(emu, 'DeleteImages')[0]!.params.ImageIds).toEqual([SEED.images.ownShared])
    expect(run.summary).toContain('public image: never deleted')
    expect(run.summary).toContain('shared with this account by another account: never deleted')
    expect(run.summary).toContain('CREATING: cannot be deleted until that ends')
    expect(run.summary).toContain('Not found in ap-guangzhou: img-gone0000')
    expect(run.annotations).toContainEqual({
      level: 'warning',
      message: 'Image img-gone0000 does not exist in ap-guangzhou.'
    })
  })

  it('keeps the snapshots with delete-snapshots false, taking credentials from the environment', async () => {
    emu = await emulator()
    const id = add('snap-made')
    const run = await runCleanup(
      { 'image-name': 'snap-made', 'delete-snapshots': 'false', 'secret-id': '', 'secret-key': '' },
      {
        TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey
      }
    )
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')[0]!.params).toEqual({
      ImageIds: [id],
      DeleteBindedSnap: false
    })
    expect(run.stdout).toContain('credentials from environment')
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey])
  })

  it('fails, naming the image and the code, when DeleteImages is refused', async () => {
    emu = await emulator()
    const id = add('locked')
    emu.faults.add({ action: 'DeleteImages', code: 'UnauthorizedOperation', times: Infinity })
    const run = await runCleanup({ 'image-name': 'locked' })
    expect(run.exitCode).toBe(1)
    expect(deletedIds(run)).toEqual([])
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe(`Image ${id} not deleted`)
    expect(annotation!.message).toMatch(/DeleteImages failed: .*UnauthorizedOperation/)
    expect(run.summary).toContain('NOT deleted')
    expect(exists(id)).toBe(true)
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ['nothing chosen', {}, /Input 'image-ids': choose the images/],
    [
      'two ways at once',
      { 'image-ids': 'img-abcd1234', 'image-name': 'x' },
      /image-ids and image-name are both set/
    ],
    ['a bad duration', { 'image-name': 'x', 'older-than': 'a week' }, /Input 'older-than'/],
    ['a bad id', { 'image-ids': 'ami-1' }, /Input 'image-ids': 'ami-1' is not a valid id/],
    ['a negative keep-latest', { 'image-name': 'x', 'keep-latest': '-1' }, /Input 'keep-latest'/]
  ])('refuses %s before any call', async (_, extra, message) => {
    emu = await emulator()
    const run = await runCleanup(extra)
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toMatch(message)
    expect(emu.calls).toHaveLength(0)
  })
})

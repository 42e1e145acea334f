// Where the real API differs from what the emulator used to believe, through dist/index.js and
// cleanup/dist/index.js: sharing twice, busy images, the codes worth retrying, tag rules and
// pacing.
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  SEED,
  baseInputs,
  calls,
  copyEndpoints,
  emulatorFixture,
  errorAnnotations,
  runCleanup,
  runImageAction
} from './support.ts'

const start = emulatorFixture()
const [accountA, accountB] = SEED.otherAccountIds as [string, string]

function sharedWith(emu: Emulator, imageId: string): string[] {
  return [...emu.state.getImage(imageId)!.sharedWith.keys()].sort()
}

describe('sharing is not idempotent on the real API', () => {
  it('a re-run that reuses the image shares only the accounts it lacks', async () => {
    const emu = await start({ syncMs: 300 })
    const inputs = {
      ...baseInputs(emu),
      'if-exists': 'reuse',
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai',
      'share-with-accounts': accountA
    }
    const first = await runImageAction(inputs)
    expect(first.exitCode).toBe(0)
    const again = await runImageAction({
      ...inputs,
      'share-with-accounts': `${accountA}, ${accountB}`
    })
    expect(errorAnnotations(again)).toEqual([])
    expect(again.exitCode).toBe(0)
    const images = JSON.parse(again.outputs.images!) as Record<string, string>
    for (const id of Object.values(images))
      expect(sharedWith(emu, id)).toEqual([accountA, accountB])
    const shares = calls(emu, 'ModifyImageSharePermission')
    expect(shares.every(c => c.outcome === 'ok')).toBe(true)
    // The second run sent only the account missing, once per image, each after reading its shares.
    expect(shares.slice(2).map(c => c.params.AccountIds)).toEqual([[accountB], [accountB]])
    expect(again.stdout).toContain(`(${accountA} had it already)`)
  })

  it('a SHARE whose answer was lost is done when the resend hears AccountAlreadyExists', async () => {
    const emu = await start()
    emu.faults.add({ action: 'ModifyImageSharePermission', drop: 'after' })
    const run = await runImageAction({
      ...baseInputs(emu),
      'share-with-accounts': `${accountA}, ${accountB}`
    })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(sharedWith(emu, run.outputs['image-id']!)).toEqual([accountA, accountB])
    expect(calls(emu, 'ModifyImageSharePermission').map(c => c.code ?? c.outcome)).toEqual([
      'dropped',
      'FailedOperation.AccountAlreadyExists',
      'FailedOperation.AccountAlreadyExists',
      'FailedOperation.AccountAlreadyExists'
    ])
  })

  it('names a sub-account UIN and says to use the owner account', async () => {
    const emu = await start()
    const run = await runImageAction({
      ...baseInputs(emu),
      'share-with-accounts': `${accountA}, ${SEED.subAccountId}`
    })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Sharing failed: account refused')
    expect(annotation!.message).toMatch(
      new RegExp(
        `${SEED.subAccountId}: .*sub-account.*FailedOperation\\.NotMasterAccount.*RequestId: .*owner \\(root\\) account's UIN`
      )
    )
    expect(sharedWith(emu, run.outputs['image-id']!)).toEqual([accountA])
  })

  it('takes 500 accounts and refuses 501 before any call', async () => {
    const emu = await start()
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => String(200000000000 + i)).join(',')
    const over = await runImageAction({ ...baseInputs(emu), 'share-with-accounts': ids(501) })
    expect(errorAnnotations(over)[0]!.message).toMatch(/at most 500/)
    expect(emu.calls).toHaveLength(0)
    const dry = await runImageAction({
      ...baseInputs(emu),
      'dry-run': 'true',
      'share-with-accounts': ids(500)
    })
    expect(dry.exitCode).toBe(0)
  })
})

describe('busy images and transient codes', () => {
  it('waits for the source to be NORMAL again after SyncImages before sharing it', async () => {
    const emu = await start({ syncMs: 300, syncSourceMs: 2_000 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai',
      'share-with-accounts': accountA
    })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    const sourceId = run.outputs['image-id']!
    expect(sharedWith(emu, sourceId)).toEqual([accountA])
    // Waited, not refused and retried.
    expect(calls(emu).filter(c => c.code?.endsWith('InvalidImageState'))).toEqual([])
    const sync = calls(emu, 'SyncImages')[0]!
    const sourcePolls = calls(emu, 'DescribeImages').filter(
      c => c.seq > sync.seq && c.region === SEED.region
    )
    expect(sourcePolls.length).toBeGreaterThan(1)
    expect(run.stdout).toMatch(new RegExp(`ap-guangzhou \\(source\\): ${sourceId} is SYNCING`))
  })

  it.each([
    ['SyncImages', 'FailedOperation.InvalidImageState'],
    ['SyncImages', 'InvalidParameterValue.InvalidImageState'],
    ['ModifyImageSharePermission', 'InvalidParameterValue.InvalidImageState'],
    ['DescribeImages', 'ServiceUnavailable']
  ])('retries %s answering %s', async (action, code) => {
    const emu = await start({ syncMs: 300 })
    emu.faults.add({ action, code, message: 'busy, try again later' })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai',
      'share-with-accounts': accountA
    })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(calls(emu, action).filter(c => c.code === code)).toHaveLength(1)
    expect(run.stderr + run.stdout).toContain(`${action} attempt 1 failed (${code})`)
  })
})

describe('tags', () => {
  it('refuses an empty tag value before any call', async () => {
    const emu = await start()
    const run = await runImageAction({ ...baseInputs(emu), tags: 'app=web\nenv=' })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Invalid input')
    expect(annotation!.message).toMatch(/Input 'tags': tag 'env' has no value/)
    expect(emu.calls).toHaveLength(0)
  })
})

describe('cleanup action', () => {
  it('a tag key the account never used selects nothing, and is no failure', async () => {
    const emu = await start()
    const run = await runCleanup(emu, { tags: 'never-used=1' })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs['deleted-image-ids']!)).toEqual([])
    expect(calls(emu, 'DescribeImages')[0]!.code).toBe('InvalidParameterValue.TagKeyNotFound')
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(run.stdout).toContain('no image has it')
  })

  it('paces its calls within the documented 10 a second', async () => {
    const emu = await start()
    const ids = Array.from(
      { length: 25 },
      (_, i) =>
        emu.state.addImage({
          name: `old-${i}`,
          region: SEED.region,
          sharedWith: [accountA],
          createdTime: '2024-01-01T00:00:00Z'
        }).ImageId
    )
    const run = await runCleanup(emu, { 'name-prefix': 'old-' })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect((JSON.parse(run.outputs['deleted-image-ids']!) as string[]).sort()).toEqual(ids.sort())
    expect(calls(emu).filter(c => c.code === 'RequestLimitExceeded')).toEqual([])
    const times = calls(emu).map(c => c.time)
    const busiest = Math.max(...times.map(t => times.filter(u => u >= t && u < t + 1000).length))
    expect(busiest).toBeLessThanOrEqual(11)
  })
})

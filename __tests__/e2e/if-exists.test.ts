// if-exists through dist/index.js: reuse and replace an image of the same name, compared exactly.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { SEED, baseInputs, calls, emulator, errorAnnotations, runImageAction } from './support.ts'

let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

const named = (name: string) => emu.state.images(SEED.region).filter(i => i.ImageName === name)

describe('if-exists: reuse', () => {
  it('adopts a NORMAL image of exactly that name at once: no CreateImage, no wait', async () => {
    emu = await emulator()
    const run = await runImageAction({ ...baseInputs(emu, 'app-base-2025'), 'if-exists': 'reuse' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-id']).toBe(SEED.images.own)
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(run.outputs['request-id']).toBe('')
    expect(calls(emu, 'CreateImage')).toHaveLength(0)
    // The one lookup by name, and no polling.
    expect(calls(emu).map(c => c.action)).toEqual(['DescribeImages'])
    expect(run.summary).toContain('existing image reused')
    // Not created by this run: the post step has nothing to clean up.
    expect(JSON.parse(run.state['image']!)).toEqual({
      region: SEED.region,
      imageId: SEED.images.own,
      made: false
    })
  })

  it('never takes a near-miss name: app-base is not app-base-2025', async () => {
    emu = await emulator()
    const run = await runImageAction({ ...baseInputs(emu, 'app-base'), 'if-exists': 'reuse' })
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
    expect(run.outputs['image-id']).not.toBe(SEED.images.own)
    expect(named('app-base')).toHaveLength(1)
    expect(named('app-base-2025')[0]!.ImageId).toBe(SEED.images.own)
  })

  it('waits for a CREATING image to become NORMAL', async () => {
    emu = await emulator()
    const pending = emu.state.addImage({
      name: 'app-1.0.0',
      region: SEED.region,
      state: 'CREATING'
    })
    emu.state.scheduleTransition(pending, 1_000, 'NORMAL')
    const run = await runImageAction({ ...baseInputs(emu), 'if-exists': 'reuse' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-id']).toBe(pending.ImageId)
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(calls(emu, 'CreateImage')).toHaveLength(0)
    expect(calls(emu, 'DescribeImages').length).toBeGreaterThan(1)
  })

  it('fails clearly on a CREATEFAILED image, and does not delete it even with cleanup-on-failure', async () => {
    emu = await emulator()
    const failed = emu.state.addImage({
      name: 'app-1.0.0',
      region: SEED.region,
      state: 'CREATEFAILED'
    })
    const run = await runImageAction({
      ...baseInputs(emu),
      'if-exists': 'reuse',
      'cleanup-on-failure': 'true'
    })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Existing image failed')
    expect(annotation!.message).toContain(
      `Image ${failed.ImageId} ('app-1.0.0') exists but is CREATEFAILED`
    )
    expect(annotation!.message).toContain('if-exists to replace')
    expect(calls(emu, 'CreateImage')).toHaveLength(0)
    expect(run.post?.outcome).toBe('success')
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(failed.ImageId)).toBeDefined()
  })
})

describe('a re-run after a timed-out wait', () => {
  it('fails on the name by default, reuses with reuse, and replaces with replace', async () => {
    emu = await emulator({ createMs: 4_000 })
    const first = await runImageAction({ ...baseInputs(emu), 'wait-timeout-seconds': '1' })
    expect(first.exitCode).toBe(1)
    expect(errorAnnotations(first)[0]!.title).toBe('Timed out waiting for the image')
    const id = first.outputs['image-id']!
    expect(emu.state.getImage(id)?.ImageState).toBe('CREATING')

    const again = await runImageAction(baseInputs(emu))
    expect(again.exitCode).toBe(1)
    expect(errorAnnotations(again)[0]!.message).toMatch(
      /InvalidImageName\.Duplicate.*set if-exists to reuse or replace/
    )

    const reused = await runImageAction({ ...baseInputs(emu), 'if-exists': 'reuse' })
    expect(reused.exitCode).toBe(0)
    expect(reused.outputs['image-id']).toBe(id)
    expect(reused.outputs['image-state']).toBe('NORMAL')
    expect(calls(emu, 'CreateImage')).toHaveLength(2) // the first run's and the refused one

    emu.state.createMs = 300
    const replaced = await runImageAction({ ...baseInputs(emu), 'if-exists': 'replace' })
    expect(replaced.exitCode).toBe(0)
    expect(replaced.outputs['image-id']).not.toBe(id)
    expect(emu.state.getImage(id)).toBeUndefined()
    expect(named('app-1.0.0').map(i => i.ImageId)).toEqual([replaced.outputs['image-id']])
    expect(replaced.summary).toContain(`replaced ${id}`)
  })
})

describe('if-exists: replace', () => {
  it('cancels the sharing of a shared image, deletes it with its snapshots, then creates', async () => {
    emu = await emulator()
    // Made by this action in this repository (its provenance tag), so its snapshots may go too.
    const old = emu.state.addImage({
      name: 'app-1.0.0',
      region: SEED.region,
      sharedWith: [...SEED.otherAccountIds],
      tags: [{ Key: 'github:repository', Value: 'octo-org/octo-repo' }]
    })
    const nearMiss = emu.state.addImage({ name: 'app-1.0.0-rc1', region: SEED.region })
    const run = await runImageAction({ ...baseInputs(emu), 'if-exists': 'replace' })
    expect(run.exitCode).toBe(0)
    const sequence = calls(emu)
      .map(c => c.action)
      .filter(a => a !== 'DescribeImages')
    expect(sequence).toEqual([
      'DescribeImageSharePermission',
      'ModifyImageSharePermission',
      'DeleteImages',
      'CreateImage'
    ])
    expect(calls(emu, 'ModifyImageSharePermission')[0]!.params).toEqual({
      ImageId: old.ImageId,
      AccountIds: [...SEED.otherAccountIds],
      Permission: 'CANCEL'
    })
    expect(calls(emu, 'DeleteImages')[0]!.params).toEqual({
      ImageIds: [old.ImageId],
      DeleteBindedSnap: true
    })
    expect(emu.state.getImage(old.ImageId)).toBeUndefined()
    expect(emu.state.getImage(nearMiss.ImageId)).toBeDefined()
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(run.stdout).toContain(`Cancelled the sharing of ${old.ImageId} with 2 account(s)`)
  })

  it('keeps the snapshots of an image it cannot tell this action made here', async () => {
    emu = await emulator()
    const old = emu.state.addImage({ name: 'app-1.0.0', region: SEED.region })
    const run = await runImageAction({ ...baseInputs(emu), 'if-exists': 'replace' })
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')[0]!.params).toEqual({
      ImageIds: [old.ImageId],
      DeleteBindedSnap: false
    })
  })

  it('keeps the snapshots when the image is made from snapshot-ids', async () => {
    emu = await emulator()
    const old = emu.state.addImage({ name: 'from-snaps', region: SEED.region })
    const run = await runImageAction({
      ...baseInputs(emu, 'from-snaps'),
      'instance-id': '',
      'snapshot-ids': `${SEED.snapshots.system}`,
      'if-exists': 'replace'
    })
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')[0]!.params).toEqual({
      ImageIds: [old.ImageId],
      DeleteBindedSnap: false
    })
  })

  it('fails clearly when the old image stays CREATING past the timeout, deleting and creating nothing', async () => {
    emu = await emulator()
    const busy = emu.state.addImage({ name: 'app-1.0.0', region: SEED.region, state: 'SYNCING' })
    const run = await runImageAction({
      ...baseInputs(emu),
      'if-exists': 'replace',
      'wait-timeout-seconds': '2'
    })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Cannot replace the image yet')
    expect(annotation!.message).toContain(`Image ${busy.ImageId} ('app-1.0.0') is still SYNCING`)
    expect(annotation!.message).toContain('Nothing was deleted or created')
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(calls(emu, 'CreateImage')).toHaveLength(0)
    expect(emu.state.getImage(busy.ImageId)?.ImageState).toBe('SYNCING')
  })

  it('a dry run only says what it would do', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu, 'app-base-2025'),
      'if-exists': 'replace',
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Dry run: would delete it and create a new one')
    expect(calls(emu).map(c => c.action)).toEqual(['DescribeImages'])
    expect(emu.state.getImage(SEED.images.own)).toBeDefined()
  })
})

describe('if-exists input', () => {
  it('refuses an unknown value before any call', async () => {
    emu = await emulator()
    const run = await runImageAction({ ...baseInputs(emu), 'if-exists': 'overwrite' })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toBe(
      "Input 'if-exists': must be fail, reuse or replace, got 'overwrite'."
    )
    expect(emu.calls).toHaveLength(0)
  })
})

// cleanup-on-failure through dist/index.js: the main step records the image it created, the post
// step deletes it after CREATEFAILED, a timed-out wait or a cancellation.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  baseInputs,
  calls,
  emulator,
  errorAnnotations,
  expectNoSecrets,
  handedImage,
  runImageAction
} from './support.ts'

let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

const cleanup = { 'cleanup-on-failure': 'true' }

describe('cleanup-on-failure', () => {
  it('deletes a CREATEFAILED image with its snapshots in the post step', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'instance-id': SEED.instances.failCreate
    })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(handedImage(run)).toBe(id)
    expect(run.state['outcome']).toBe('failed')
    expect(run.stdout).toContain(`cleanup-on-failure: the post step deletes ${id}.`)
    expect(run.post?.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages').map(c => c.params)).toEqual([
      { ImageIds: [id], DeleteBindedSnap: true }
    ])
    expect(emu.state.getImage(id)).toBeUndefined()
    expect(run.post?.stdout).toContain(`Deleted image ${id} (it was CREATEFAILED)`)
    expect(run.post?.summary).toContain(`Cleanup of ${id}`)
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey])
  })

  it('is off by default: the failed image stays and the post step makes no call', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      'instance-id': SEED.instances.failCreate
    })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(run.stdout).toContain(`Image ${id} is left in place (cleanup-on-failure is false)`)
    const before = emu.calls.length
    expect(run.post?.outcome).toBe('success')
    expect(emu.calls.length).toBe(before)
    expect(emu.state.getImage(id)?.ImageState).toBe('CREATEFAILED')
  })

  it('keeps an image that became NORMAL: the post step does nothing after success', async () => {
    emu = await emulator()
    const run = await runImageAction({ ...baseInputs(emu), ...cleanup })
    expect(run.exitCode).toBe(0)
    expect(run.state['outcome']).toBe('ready')
    expect(run.post?.outcome).toBe('success')
    expect(run.post?.stdout).toBe('')
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(run.outputs['image-id']!)?.ImageState).toBe('NORMAL')
  })

  it('after a timed-out wait, waits for the image to leave CREATING and deletes it', async () => {
    emu = await emulator({ createMs: 2_500 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'wait-timeout-seconds': '1',
      'cleanup-wait-seconds': '30'
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.title).toBe('Timed out waiting for the image')
    const id = run.outputs['image-id']!
    expect(run.stdout).toContain(
      `the post step deletes ${id}, waiting up to 30s for it to leave CREATING.`
    )
    expect(run.post?.exitCode).toBe(0)
    expect(run.post?.stdout).toContain(`${id} is CREATING; it can be deleted once that ends`)
    expect(run.post?.stdout).toContain(`Deleted image ${id} (it was NORMAL)`)
    expect(emu.state.getImage(id)).toBeUndefined()
  })

  it('says clearly when the image is still CREATING after cleanup-wait-seconds', async () => {
    emu = await emulator({ createMs: 600_000 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'wait-timeout-seconds': '1',
      'cleanup-wait-seconds': '1'
    })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(run.post?.exitCode).toBe(1)
    const [annotation] = run.post!.annotations.filter(a => a.level === 'error')
    expect(annotation!.title).toBe('Image not deleted')
    expect(annotation!.message).toContain(`Image ${id} is still CREATING after`)
    expect(annotation!.message).toContain('it was NOT deleted')
    expect(annotation!.message).toContain(`image-ids: ${id}`)
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(id)?.ImageState).toBe('CREATING')
  })

  it('on cancellation, the main step exits at once and the post step deletes the image', async () => {
    emu = await emulator({ createMs: 3_000 })
    const cancelAfterMs = 1_500
    const run = await runImageAction(
      { ...baseInputs(emu), ...cleanup, 'cleanup-wait-seconds': '30' },
      { cancelAfterMs }
    )
    expect(run.cancelled).toBe(true)
    expect(run.signal).toBeNull()
    expect(run.durationMs - cancelAfterMs).toBeLessThan(2_000)
    const id = run.outputs['image-id']!
    expect(id).toMatch(/^img-/)
    expect(run.state['outcome']).toBe('cancelled')
    expect(errorAnnotations(run)[0]!.title).toBe('Cancelled')
    expect(run.post?.outcome).toBe('success')
    expect(run.post?.stdout).toContain(`the main step was cancelled; deleting image ${id}`)
    expect(run.post?.stdout).toContain(`Deleted image ${id} (it was NORMAL)`)
    expect(emu.state.getImage(id)).toBeUndefined()
  })
})

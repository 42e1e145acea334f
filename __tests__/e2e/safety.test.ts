// The action's safety promises, each tried the way it broke: through dist/index.js (and the
// cleanup action's bundle) as the runner runs them, against the emulator under the fault.
import { describe, expect, it } from '@jest/globals'
import { SEED, TEST_CREDENTIALS, type Emulator } from '../../emulator/index.ts'
import {
  baseInputs,
  calls,
  copyEndpoints,
  emulatorFixture,
  errorAnnotations,
  handedImage,
  runCleanup,
  runImageAction,
  until
} from './support.ts'

const start = emulatorFixture()

/** The id of the image the run created, once the run has polled it and seen it listed. */
async function polledImage(emu: Emulator): Promise<string> {
  const polled = (): string | undefined => {
    const poll = calls(emu, 'DescribeImages').find(c => Array.isArray(c.params.ImageIds))
    return (poll?.params.ImageIds as string[] | undefined)?.[0]
  }
  await until(() => polled() !== undefined)
  return polled()!
}
const cleanup = { 'cleanup-on-failure': 'true' }

describe('a definite answer settles a send', () => {
  it('the run that loses the name never deletes the winner’s image', async () => {
    const emu = await start({ createMs: 600 })
    // Both runs look the name up before either creates it; the first CreateImage to arrive is
    // carried out late, so the other one takes the name and the late one is refused it.
    emu.faults.add({ action: 'CreateImage', latencyMs: 1_500, times: 1 })
    const inputs = { ...baseInputs(emu), ...cleanup, 'cleanup-wait-seconds': '10' }
    const runs = await Promise.all([runImageAction(inputs), runImageAction(inputs)])
    const winner = runs.find(run => run.exitCode === 0)
    const loser = runs.find(run => run.exitCode !== 0)
    expect(winner).toBeDefined()
    expect(loser).toBeDefined()
    expect(errorAnnotations(loser!)[0]!.title).toBe(
      'CreateImage failed: InvalidImageName.Duplicate'
    )
    const id = winner!.outputs['image-id']!
    expect(loser!.post?.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(id)?.ImageState).toBe('NORMAL')
  })

  it('a failed job summary neither fails the run nor deletes the ready image', async () => {
    const emu = await start()
    const run = await runImageAction(
      { ...baseInputs(emu), ...cleanup },
      { unwritableSummary: true }
    )
    expect(run.exitCode).toBe(0)
    const id = run.outputs['image-id']!
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(run.state['outcome']).toBe('ready')
    const warning = run.annotations.find(a => a.level === 'warning')
    expect(warning?.title).toBe('Job summary not written')
    expect(errorAnnotations(run)).toEqual([])
    expect(run.post?.outcome).toBe('success')
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(id)?.ImageState).toBe('NORMAL')
  })
})

describe('cleanup-on-failure with if-exists: reuse', () => {
  it('keeps an image that turns NORMAL after a timed-out wait, for the re-run to reuse', async () => {
    const emu = await start({ createMs: 2_500 })
    const inputs = {
      ...baseInputs(emu),
      ...cleanup,
      'if-exists': 'reuse',
      'wait-timeout-seconds': '1',
      'cleanup-wait-seconds': '30'
    }
    const run = await runImageAction(inputs)
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.title).toBe('Timed out waiting for the image')
    const id = run.outputs['image-id']!
    expect(run.stdout).toContain(`once it is NORMAL it is kept for the next run`)
    expect(run.post?.exitCode).toBe(0)
    expect(run.post?.stdout).toContain(`Kept image ${id} in ${SEED.region}: it is NORMAL`)
    expect(run.post?.summary).toContain(`Kept image ${id}`)
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(id)?.ImageState).toBe('NORMAL')

    // The re-run picks it up instead of baking again.
    const rerun = await runImageAction(inputs)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.outputs['image-id']).toBe(id)
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
  })

  it('still deletes an image that ends in CREATEFAILED', async () => {
    const emu = await start()
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'if-exists': 'reuse',
      'instance-id': SEED.instances.failCreate
    })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(run.post?.stdout).toContain(`Deleted image ${id} (it was CREATEFAILED)`)
    expect(emu.state.getImage(id)).toBeUndefined()
  })
})

describe('cancelled while a request is in flight', () => {
  it('the post step finds and deletes an image CreateImage made after the main step ended', async () => {
    const emu = await start()
    const before = new Set(emu.state.images(SEED.region).map(i => i.ImageId))
    // CreateImage is carried out 3 s after it arrives; the run is cancelled before that.
    emu.faults.add({ action: 'CreateImage', latencyMs: 3_000, times: 1 })
    const run = await runImageAction(
      { ...baseInputs(emu), ...cleanup, 'cleanup-wait-seconds': '20' },
      { cancelAfterMs: 1_500 }
    )
    expect(run.cancelled).toBe(true)
    expect(run.outputs['image-id']).toBeUndefined()
    expect(JSON.parse(run.state['pending-create']!).name).toBe('app-1.0.0')
    expect(run.post?.exitCode).toBe(0)
    const made = calls(emu, 'CreateImage')
    expect(made).toHaveLength(1)
    const [orphan] = calls(emu, 'DeleteImages').map(c => (c.params.ImageIds as string[])[0])
    expect(orphan).toMatch(/^img-/)
    expect(before.has(orphan!)).toBe(false)
    expect(run.post?.stdout).toContain(
      `Image ${orphan} was made by a CreateImage whose answer never arrived`
    )
    expect(emu.state.images(SEED.region).filter(i => !before.has(i.ImageId))).toEqual([])
  })

  it('the post step deletes the copies of a SyncImages that was in flight', async () => {
    const emu = await start({ createMs: 300, syncMs: 500 })
    emu.faults.add({ action: 'SyncImages', latencyMs: 4_000, times: 1 })
    const run = await runImageAction(
      {
        ...baseInputs(emu),
        ...cleanup,
        ...copyEndpoints(emu),
        'copy-to-regions': 'ap-shanghai',
        'cleanup-wait-seconds': '20'
      },
      { cancelAfterMs: 2_500 }
    )
    expect(run.cancelled).toBe(true)
    expect(calls(emu, 'SyncImages')).toHaveLength(1)
    const source = run.outputs['image-id']!
    expect(JSON.parse(run.state['pending-copies']!)[0].region).toBe('ap-shanghai')
    expect(run.post?.exitCode).toBe(0)
    const deleted = calls(emu, 'DeleteImages').map(c => [
      c.region,
      (c.params.ImageIds as string[])[0]
    ])
    expect(deleted).toContainEqual([SEED.region, source])
    const copy = deleted.find(([region]) => region === 'ap-shanghai')?.[1]
    expect(copy).toMatch(/^img-/)
    expect(run.post?.stdout).toContain(`Image ${copy} was made by a SyncImages (in ap-shanghai)`)
    expect(emu.state.images('ap-shanghai').filter(i => i.ImageName === 'app-1.0.0')).toEqual([])
  })
})

describe('logs never obey strangers', () => {
  it('refuses a line break in image-name before any call, naming the input', async () => {
    const emu = await start()
    const run = await runImageAction({
      ...baseInputs(emu),
      'image-name': 'Fix bug\n::add-mask::x\n::error title=pwned::pwned'
    })
    expect(run.exitCode).toBe(1)
    expect(emu.calls).toHaveLength(0)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Invalid input')
    expect(annotation!.message).toContain("Input 'image-name': contains a line break")
    expect(run.annotations.filter(a => a.message.includes('pwned'))).toEqual([])
    expect(run.masks).not.toContain('x')
    expect(run.outputs['images']).toBe('{}')
  })

  it('prints an image state from the API as text, never as a command', async () => {
    const emu = await start({ createMs: 60_000 })
    const strange = 'WEIRD\n::error title=pwned::pwned\n::add-mask::NORMAL'
    const running = runImageAction(baseInputs(emu))
    const id = await polledImage(emu)
    emu.state.setImageState(id, strange as never)
    setTimeout(() => emu.state.setImageState(id, 'NORMAL'), 1_000)
    const run = await running
    expect(run.exitCode).toBe(0)
    expect(run.annotations.filter(a => a.title === 'pwned' || a.message === 'pwned')).toEqual([])
    expect(run.masks).not.toContain('NORMAL')
    expect(run.commands.some(c => c.command === 'stop-commands')).toBe(true)
    // Shown as it came, line by line, between the stop and resume markers.
    expect(run.stdout).toContain('::error title=pwned::pwned')
  })

  it('the cleanup action prints image names from the API as text', async () => {
    const emu = await start()
    emu.state.addImage({ name: 'ci-x\n::error title=pwned::pwned', region: SEED.region })
    const run = await runCleanup(emu, { 'name-prefix': 'ci-', 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    expect(run.annotations.filter(a => a.title === 'pwned')).toEqual([])
    expect(run.stdout).toContain('::error title=pwned::pwned')
  })
})

describe('time limits are hard', () => {
  it('a request that never answers ends the step at wait-timeout-seconds', async () => {
    const emu = await start()
    emu.faults.add({ action: 'CreateImage', hang: true, times: Infinity })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'wait-timeout-seconds': '3',
      'cleanup-wait-seconds': '1'
    })
    expect(run.exitCode).toBe(1)
    // 3 s, the 5 s a last request may take past the deadline, and start-up.
    expect(run.durationMs).toBeLessThan(3_000 + 5_000 + 2_000)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('CreateImage failed')
    expect(annotation!.message).toContain('got no answer within')
    expect(annotation!.message).toContain('Tencent Cloud may still carry the request out')
    // The send is unaccounted for, so the post step looks for its image, within its own limit.
    expect(run.post?.exitCode).toBe(0)
    expect(run.post?.durationMs).toBeLessThan(1_000 + 15_000 + 2_000)
    const warning = run.post!.annotations.find(a => a.level === 'warning')
    expect(warning?.title).toBe('Image may still appear')
    expect(warning?.message).toContain('image-name: app-1.0.0')
  })

  it('a hung DeleteImages ends the post step within cleanup-wait-seconds and its margin', async () => {
    const emu = await start()
    emu.faults.add({ action: 'DeleteImages', hang: true, times: Infinity })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...cleanup,
      'instance-id': SEED.instances.failCreate,
      'cleanup-wait-seconds': '1'
    })
    expect(run.exitCode).toBe(1)
    expect(run.post?.exitCode).toBe(1)
    // cleanup-wait-seconds, the 10 s margin for the calls, the 5 s grace of a last request.
    expect(run.post!.durationMs).toBeLessThan(1_000 + 10_000 + 5_000 + 2_000)
    expect(errorAnnotations(run.post!)[0]!.title).toBe('DeleteImages failed')
  }, 40_000)
})

describe('the wait knows every state', () => {
  it('fails soon, saying so, when someone deletes the image mid-wait', async () => {
    const emu = await start({ createMs: 60_000 })
    const running = runImageAction(baseInputs(emu))
    const id = await polledImage(emu)
    emu.state.deleteImage(id)
    const run = await running
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Image is gone')
    expect(annotation!.message).toContain(`Image ${id} was CREATING and is no longer listed`)
    expect(run.durationMs).toBeLessThan(10_000)
  })

  it('takes USING as ready', async () => {
    const emu = await start({ createMs: 60_000 })
    const running = runImageAction(baseInputs(emu))
    emu.state.setImageState(await polledImage(emu), 'USING')
    const run = await running
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-state']).toBe('USING')
  })

  it('warns once about a state it does not know, and goes on waiting', async () => {
    const emu = await start({ createMs: 60_000 })
    const running = runImageAction(baseInputs(emu))
    const id = await polledImage(emu)
    emu.state.setImageState(id, 'MIGRATING' as never)
    setTimeout(() => emu.state.setImageState(id, 'NORMAL'), 1_500)
    const run = await running
    expect(run.exitCode).toBe(0)
    const warnings = run.annotations.filter(a => a.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toContain(
      `${id} is in state 'MIGRATING', which this action does not know`
    )
    expect(run.outputs['image-state']).toBe('NORMAL')
  })
})

describe('a 200 answer without Response', () => {
  it('is retried like a 5xx', async () => {
    const emu = await start()
    emu.faults.add({ action: 'DescribeImages', body: '{"message":"ok"}', times: 2 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(run.stdout + run.annotations.map(a => a.message).join('\n')).not.toContain(
      'Cannot read properties'
    )
  })

  it('fails saying what came back when it persists', async () => {
    const emu = await start()
    emu.faults.add({
      action: 'DescribeImages',
      body: '{"message":"gateway says hi"}',
      times: Infinity
    })
    const run = await runImageAction({ ...baseInputs(emu), 'wait-timeout-seconds': '4' })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('DescribeImages failed')
    expect(annotation!.message).toContain('gateway says hi')
    expect(annotation!.message).toContain('not Tencent Cloud API JSON')
    expect(annotation!.message).not.toContain('Cannot read properties')
    expect(emu.calls.filter(c => c.action === 'CreateImage')).toHaveLength(0)
  })
})

describe('one failure path for every action', () => {
  it('the cleanup action keeps the failure’s title, cuts out credentials, and says no selection was made', async () => {
    const emu = await start()
    emu.faults.add({
      action: 'DescribeImages',
      code: 'UnauthorizedOperation',
      message: `Key ${TEST_CREDENTIALS.secretId} may not DescribeImages.`,
      times: Infinity
    })
    const run = await runCleanup(emu, { 'name-prefix': 'ci-' })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('DescribeImages failed: UnauthorizedOperation')
    expect(annotation!.message).not.toContain(TEST_CREDENTIALS.secretId)
    expect(annotation!.message).toContain('Key *** may not DescribeImages')
    expect(run.summary).not.toContain(TEST_CREDENTIALS.secretId)
    expect(run.summary).not.toContain('No image matched')
    expect(run.summary).toContain('could not be selected')
    expect(run.outputs['deleted-image-ids']).toBe('[]')
  })
})

// Keeps the handoff's key names honest for the tests above.
describe('the handoff', () => {
  it('hands the image id to the post step the moment CreateImage answers', async () => {
    const emu = await start({ createMs: 60_000 })
    const run = await runImageAction(
      { ...baseInputs(emu), 'wait-timeout-seconds': '2' },
      { runPost: false }
    )
    expect(handedImage(run)).toBe(run.outputs['image-id'])
    expect(JSON.parse(run.state['image']!).made).toBe(true)
    expect(run.state['pending-create'] ?? '').toBe('')
  })
})

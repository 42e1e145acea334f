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
  runImageAction
} from './support.ts'

const secrets = [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey]
let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

describe('bad input fails before any API call, naming the input', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['no region', { region: '' }, /Input 'region': is required/],
    [
      'both sources',
      { 'snapshot-ids': SEED.snapshots.system },
      /Input 'snapshot-ids': set exactly one/
    ],
    [
      'a bad instance id',
      { 'instance-id': 'i-abc' },
      /Input 'instance-id': 'i-abc' is not a valid id/
    ],
    [
      'a long name',
      { 'image-name': 'n'.repeat(61) },
      /Input 'image-name': must be at most 60 characters/
    ],
    [
      'a bad boolean',
      { 'force-poweroff': 'yes' },
      /Input 'force-poweroff': must be 'true' or 'false'/
    ],
    ['a bad tag', { tags: 'novalue' }, /Input 'tags': 'novalue' is not key=value/],
    [
      'no credentials',
      { 'secret-id': '', 'secret-key': '' },
      /TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/
    ]
  ])('%s', async (_, overrides, message) => {
    emu = await emulator()
    const run = await runImageAction({ ...baseInputs(emu), ...overrides })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation?.title).toBe('Invalid input')
    expect(annotation?.message).toMatch(message)
    expect(emu.calls).toHaveLength(0)
    expect(run.outputs['image-id']).toBeUndefined()
    expect(run.outputs['images']).toBe('{}')
    if (overrides['secret-id'] !== '') expectNoSecrets(run, secrets)
  })
})

describe('API errors name the code, the RequestId and what to do, and are not retried', () => {
  it('a wrong secret-key', async () => {
    emu = await emulator()
    const wrongKey = 'wrongSecretKeyValue0000000000001'
    const run = await runImageAction({ ...baseInputs(emu), 'secret-key': wrongKey })
    expect(run.exitCode).toBe(1)
    // The first call (the look-up of the name) is refused, and not retried.
    const [first] = calls(emu)
    expect(calls(emu)).toHaveLength(1)
    expect(first!.code).toBe('AuthFailure.SignatureFailure')
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe(`${first!.action} failed: AuthFailure.SignatureFailure`)
    expect(annotation!.message).toContain(`RequestId: ${first!.requestId}`)
    expect(annotation!.message).toMatch(/secret-key/)
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, wrongKey])
  })

  it('a duplicate name', async () => {
    emu = await emulator()
    const run = await runImageAction(baseInputs(emu, 'app-base-2025'))
    expect(run.exitCode).toBe(1)
    expect(calls(emu).map(c => c.action)).toEqual(['DescribeImages', 'CreateImage'])
    expect(errorAnnotations(run)[0]!.message).toMatch(
      /already exists.*InvalidImageName\.Duplicate.*RequestId: .*Choose another image-name/
    )
  })

  it('the image quota', async () => {
    emu = await emulator({ imageQuota: 3 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toMatch(/ImageQuotaLimitExceeded.*Delete old images/)
  })

  it('an instance that is rebooting', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      'instance-id': SEED.instances.rebooting
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toMatch(
      /UnsupportedOperation\.InstanceStateRebooting/
    )
  })
})

describe('the wait', () => {
  it('fails on CREATEFAILED, naming the image, with image-id already set', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      'instance-id': SEED.instances.failCreate
    })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(id).toMatch(/^img-/)
    expect(run.outputs['image-state']).toBe('CREATEFAILED')
    expect(errorAnnotations(run)[0]!.message).toContain(
      `Image ${id} (app-1.0.0) ended in CREATEFAILED`
    )
    expect(run.summary).toContain('CREATEFAILED')
  })

  it('fails at wait-timeout-seconds, naming the image and its last state', async () => {
    emu = await emulator({ createMs: 600_000 })
    const run = await runImageAction({ ...baseInputs(emu), 'wait-timeout-seconds': '2' })
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(run.outputs['image-state']).toBe('CREATING')
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Timed out waiting for the image')
    expect(annotation!.message).toMatch(
      new RegExp(`Image ${id} was still CREATING after .*wait-timeout-seconds`)
    )
    expect(run.durationMs).toBeLessThan(10_000)
  })
})

describe('retries', () => {
  it('retries throttling and 5xx, then succeeds', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', code: 'RequestLimitExceeded', times: 2 })
    emu.faults.add({ action: 'DescribeImages', httpStatus: 503, times: 1 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'CreateImage').map(c => c.outcome)).toEqual(['error', 'error', 'ok'])
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(emu.state.images(SEED.region).filter(i => i.ImageName === 'app-1.0.0')).toHaveLength(1)
  })

  it('adopts the image when the CreateImage answer is lost, making no second one', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', drop: 'after', times: 1 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(0)
    const made = emu.state.images(SEED.region).filter(i => i.ImageName === 'app-1.0.0')
    expect(made).toHaveLength(1)
    expect(run.outputs['image-id']).toBe(made[0]!.ImageId)
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
    expect(run.stdout).toContain(`adopting ${made[0]!.ImageId}`)
  })

  it('sends CreateImage again when the lost request made nothing', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', drop: 'before', times: 1 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'CreateImage')).toHaveLength(2)
    expect(emu.state.images(SEED.region).filter(i => i.ImageName === 'app-1.0.0')).toHaveLength(1)
  })
})

describe('cancellation', () => {
  it('stops polling on SIGINT, names the image and its state, and exits well inside the grace', async () => {
    emu = await emulator({ createMs: 600_000 })
    const cancelAfterMs = 2_500
    const run = await runImageAction(baseInputs(emu), { cancelAfterMs })
    expect(run.cancelled).toBe(true)
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    const id = run.outputs['image-id']!
    expect(id).toMatch(/^img-/)
    expect(run.durationMs - cancelAfterMs).toBeLessThan(2_000)
    expect(errorAnnotations(run)[0]!.message).toMatch(new RegExp(`Image ${id} was CREATING`))
    const pollsAtExit = calls(emu, 'DescribeImages').length
    await new Promise(r => setTimeout(r, 500))
    expect(calls(emu, 'DescribeImages')).toHaveLength(pollsAtExit)
  })

  it('aborts a CreateImage still in flight and says an image may still be made', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', latencyMs: 20_000 })
    const cancelAfterMs = 2_000
    const run = await runImageAction(baseInputs(emu), { cancelAfterMs })
    expect(run.cancelled).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(run.durationMs - cancelAfterMs).toBeLessThan(2_000)
    expect(run.outputs['image-id']).toBeUndefined()
    expect(errorAnnotations(run)[0]!.message).toMatch(
      /CreateImage had not answered; .*image named 'app-1.0.0' may still be made/
    )
  })
})

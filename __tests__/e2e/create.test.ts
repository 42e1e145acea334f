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
/** The harness's default run context: a push to main in octo-org/octo-repo. */
const provenance = [
  { Key: 'github:repository', Value: 'octo-org/octo-repo' },
  { Key: 'github:sha', Value: 'ffac537e6cbbf934b08745a378932722df287a53' },
  { Key: 'github:ref', Value: 'refs/heads/main' },
  { Key: 'github:run-id', Value: '1658821493' },
  { Key: 'github:run-attempt', Value: '1' }
]
let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

describe('dist/index.js creates an image and waits for it', () => {
  it('from an instance: sends the API wire types, waits to NORMAL, sets outputs and the summary', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      'data-disk-ids': SEED.disks.runningData.join('\n'),
      'image-description': 'release build',
      'force-poweroff': 'true',
      tags: 'team=infra, release=1.0.0',
      'image-family': 'app'
    })
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-id']).toMatch(/^img-[a-z0-9]{8}$/)
    expect(run.outputs['image-state']).toBe('NORMAL')

    const [create] = calls(emu, 'CreateImage')
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
    expect(create!.outcome).toBe('ok')
    expect(run.outputs['request-id']).toBe(create!.requestId)
    expect(create!.params).toEqual({
      ImageName: 'app-1.0.0',
      InstanceId: SEED.instances.running,
      DataDiskIds: [...SEED.disks.runningData],
      ImageDescription: 'release build',
      ForcePoweroff: 'true',
      TagSpecification: [
        {
          ResourceType: 'image',
          Tags: [{ Key: 'team', Value: 'infra' }, { Key: 'release', Value: '1.0.0' }, ...provenance]
        }
      ],
      ImageFamily: 'app'
    })
    const image = emu.state.getImage(run.outputs['image-id']!)
    expect(image?.ImageState).toBe('NORMAL')
    expect(image?.Tags).toEqual([
      { Key: 'team', Value: 'infra' },
      { Key: 'release', Value: '1.0.0' },
      ...provenance
    ])

    // First what already has the name (so a lost answer never adopts another run's image), then
    // the polls, by id.
    const [lookup, ...polls] = calls(emu, 'DescribeImages')
    expect(lookup!.params.Filters).toContainEqual({ Name: 'image-name', Values: ['app-1.0.0'] })
    expect(lookup!.seq).toBeLessThan(create!.seq)
    expect(polls.length).toBeGreaterThanOrEqual(1)
    expect(
      polls.every(
        c => JSON.stringify(c.params.ImageIds) === JSON.stringify([run.outputs['image-id']])
      )
    ).toBe(true)
    // One log line per state change, not per poll.
    expect(run.stdout.match(/is NORMAL after/g)).toHaveLength(1)
    expect(run.stdout.match(/is CREATING after/g)?.length ?? 0).toBeLessThanOrEqual(1)

    expect(run.summary).toContain('CVM image ready')
    for (const text of [
      run.outputs['image-id']!,
      'app-1.0.0',
      'NORMAL',
      SEED.region,
      SEED.instances.running,
      create!.requestId,
      'GiB'
    ]) {
      expect(run.summary).toContain(text)
    }
    expect(run.commands.some(c => c.command === 'group' && /Wait for img-/.test(c.message))).toBe(
      true
    )
    expectNoSecrets(run, secrets)
  })

  it('from snapshots, leaving empty optional inputs out of the request', async () => {
    emu = await emulator()
    const inputs = {
      ...baseInputs(emu, 'from-snaps'),
      'provenance-tags': 'false',
      'instance-id': '',
      'snapshot-ids': `${SEED.snapshots.system},${SEED.snapshots.data}`
    }
    const run = await runImageAction(inputs)
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'CreateImage')[0]!.params).toEqual({
      ImageName: 'from-snaps',
      SnapshotIds: [SEED.snapshots.system, SEED.snapshots.data]
    })
    expect(run.summary).toContain(SEED.snapshots.system)
  })

  it('takes credentials from TENCENTCLOUD_* environment variables', async () => {
    emu = await emulator()
    const inputs = { ...baseInputs(emu), 'secret-id': '', 'secret-key': '' }
    const run = await runImageAction(inputs, {
      env: {
        TENCENTCLOUD_SECRET_ID: TEST_CREDENTIALS.secretId,
        TENCENTCLOUD_SECRET_KEY: TEST_CREDENTIALS.secretKey
      }
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('credentials from environment')
    expectNoSecrets(run, secrets)
  })

  it('with wait false, ends after CreateImage with state CREATING', async () => {
    emu = await emulator({ createMs: 60_000 })
    const run = await runImageAction({ ...baseInputs(emu), wait: 'false' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-id']).toMatch(/^img-/)
    expect(run.outputs['image-state']).toBe('CREATING')
    // Only the look-up before CreateImage: no poll.
    expect(calls(emu, 'DescribeImages').map(c => c.params.ImageIds)).toEqual([undefined])
    expect(run.summary).toContain('creation started')
  })

  it.each(['error', 'success'] as const)(
    'dry run (answered as %s) creates nothing and succeeds',
    async dryRunStyle => {
      emu = await emulator({ dryRunStyle })
      const before = emu.state.images(SEED.region).length
      const run = await runImageAction({ ...baseInputs(emu), 'dry-run': 'true' })
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain('Dry run passed')
      expect(run.outputs['image-id']).toBe('')
      expect(calls(emu).map(c => c.action)).toEqual(['CreateImage'])
      expect(calls(emu, 'CreateImage')[0]!.params.DryRun).toBe(true)
      expect(emu.state.images(SEED.region)).toHaveLength(before)
      expect(run.summary).toContain('dry run passed')
    }
  )

  it('a dry run still fails on a real error', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu, 'app-base-2025'),
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toContain('InvalidImageName.Duplicate')
  })
})

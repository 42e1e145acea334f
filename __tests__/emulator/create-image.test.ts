// CreateImage: the happy path to NORMAL and each of the API's own refusals.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { cvmClient, emulator, expectCode, SEED, waitForState } from './support.ts'

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

const fromRunning = { ImageName: 'app-1.0.0', InstanceId: SEED.instances.running }

describe('CreateImage', () => {
  it('creates an image that is CREATING at once and NORMAL after createMs', async () => {
    emu = await emulator({ createMs: 200 })
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage({
      ...fromRunning,
      ImageDescription: 'release 1.0.0',
      DataDiskIds: [SEED.disks.runningData[0]],
      ForcePoweroff: 'true',
      TagSpecification: [{ ResourceType: 'image', Tags: [{ Key: 'app', Value: 'web' }] }],
      ImageFamily: 'app'
    })
    expect(ImageId).toMatch(/^img-[a-z0-9]{8}$/)
    const creating = await client.DescribeImages({ ImageIds: [ImageId!] })
    expect(creating.ImageSet?.[0]?.ImageState).toBe('CREATING')
    const image = await waitForState(client, ImageId!, 'NORMAL')
    expect(image).toMatchObject({
      ImageName: 'app-1.0.0',
      ImageDescription: 'release 1.0.0',
      ImageType: 'PRIVATE_IMAGE',
      ImageSource: 'CREATE_IMAGE',
      ImageCreator: SEED.accountId,
      ImageSize: 50,
      Architecture: 'x86_64',
      Platform: 'TencentOS',
      OsName: expect.stringContaining('TencentOS'),
      IsSupportCloudinit: true,
      SyncPercent: 100,
      Tags: [{ Key: 'app', Value: 'web' }],
      ImageFamily: 'app',
      CreatedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    })
    expect(image.SnapshotSet).toEqual([
      { SnapshotId: expect.stringMatching(/^snap-/), DiskUsage: 'SYSTEM_DISK', DiskSize: 50 },
      { SnapshotId: expect.stringMatching(/^snap-/), DiskUsage: 'DATA_DISK', DiskSize: 100 }
    ])
    expect(emu.calls.filter(call => call.action === 'CreateImage')).toHaveLength(1)
  })

  it('creates from snapshots', async () => {
    emu = await emulator()
    const { ImageId } = await cvmClient(emu).CreateImage({
      ImageName: 'from-snaps',
      SnapshotIds: [SEED.snapshots.system, SEED.snapshots.data]
    })
    expect(emu.state.getImage(ImageId!)?.SnapshotSet.map(s => s.SnapshotId)).toEqual([
      SEED.snapshots.system,
      SEED.snapshots.data
    ])
  })

  it('ends in CREATEFAILED for a failCreate instance, and honours its createMs', async () => {
    emu = await emulator({ createMs: 60_000 })
    emu.state.getInstance(SEED.instances.failCreate)!.createMs = 100
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage({
      ImageName: 'doomed',
      InstanceId: SEED.instances.failCreate
    })
    await waitForState(client, ImageId!, 'CREATEFAILED')
  })

  it('lets a test force a state', async () => {
    emu = await emulator({ createMs: 60_000 })
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage(fromRunning)
    emu.state.setImageState(ImageId!, 'CREATEFAILED')
    await waitForState(client, ImageId!, 'CREATEFAILED', 0)
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['no ImageName', { InstanceId: SEED.instances.running }, 'MissingParameter'],
    [
      'a 61-character name',
      { ...fromRunning, ImageName: 'n'.repeat(61) },
      'InvalidParameterValue.TooLarge'
    ],
    [
      'a 257-character description',
      { ...fromRunning, ImageDescription: 'd'.repeat(257) },
      'InvalidParameterValue.TooLarge'
    ],
    ['a taken name', { ...fromRunning, ImageName: 'app-base-2025' }, 'InvalidImageName.Duplicate'],
    ['neither source', { ImageName: 'x' }, 'InvalidParameter.SpecifyOneParameter'],
    [
      'both sources',
      { ...fromRunning, SnapshotIds: [SEED.snapshots.system] },
      'InvalidParameterConflict'
    ],
    [
      'DataDiskIds without InstanceId',
      {
        ImageName: 'x',
        SnapshotIds: [SEED.snapshots.system],
        DataDiskIds: [SEED.disks.runningData[0]]
      },
      'InvalidParameter.InvalidDependence'
    ],
    [
      'a data disk of another instance',
      { ...fromRunning, DataDiskIds: [SEED.disks.stoppedData] },
      'InvalidParameter.DataDiskNotBelongSpecifiedInstance'
    ],
    [
      'the root disk as a data disk',
      { ...fromRunning, DataDiskIds: [SEED.disks.runningSystem] },
      'InvalidParameter.DataDiskIdContainsRootDisk'
    ],
    [
      'an unknown snapshot',
      { ImageName: 'x', SnapshotIds: ['snap-00000000'] },
      'InvalidParameter.SnapshotNotFound'
    ],
    [
      'no system snapshot',
      { ImageName: 'x', SnapshotIds: [SEED.snapshots.data] },
      'InvalidParameter.SystemSnapshotNotFound'
    ],
    [
      'two system snapshots',
      { ImageName: 'x', SnapshotIds: [SEED.snapshots.system, SEED.snapshots.otherSystem] },
      'InvalidParameter.DuplicateSystemSnapshots'
    ],
    [
      'a malformed instance id',
      { ImageName: 'x', InstanceId: 'i-abc' },
      'InvalidInstanceId.Malformed'
    ],
    [
      'an unknown instance',
      { ImageName: 'x', InstanceId: 'ins-00000000' },
      'InvalidInstanceId.NotFound'
    ],
    [
      'an instance of another region',
      { ImageName: 'x', InstanceId: SEED.instances.shanghai },
      'InvalidInstanceId.NotFound'
    ],
    [
      'a rebooting instance',
      { ImageName: 'x', InstanceId: SEED.instances.rebooting },
      'UnsupportedOperation.InstanceStateRebooting'
    ],
    [
      'a terminating instance',
      { ImageName: 'x', InstanceId: SEED.instances.terminating },
      'UnsupportedOperation.InstanceStateTerminating'
    ],
    ['a boolean ForcePoweroff', { ...fromRunning, ForcePoweroff: true }, 'InvalidParameterValue'],
    ['a boolean Sysprep', { ...fromRunning, Sysprep: false }, 'InvalidParameterValue'],
    ['ForcePoweroff "yes"', { ...fromRunning, ForcePoweroff: 'yes' }, 'InvalidParameterValue'],
    ['a string DryRun', { ...fromRunning, DryRun: 'true' }, 'InvalidParameterValue'],
    [
      'a tag for instances',
      {
        ...fromRunning,
        TagSpecification: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }]
      },
      'InvalidParameterValue'
    ],
    [
      'a reserved tag key',
      {
        ...fromRunning,
        TagSpecification: [{ ResourceType: 'image', Tags: [{ Key: 'qcloud:x', Value: 'b' }] }]
      },
      'FailedOperation.TagKeyReserved'
    ]
  ])('refuses %s, creating nothing', async (_, params, code) => {
    emu = await emulator()
    const before = emu.state.images().length
    await expectCode(cvmClient(emu).request('CreateImage', params), code)
    expect(emu.state.images()).toHaveLength(before)
  })

  it('refuses once the region quota is used up (seeded own images count)', async () => {
    emu = await emulator({ imageQuota: 4 })
    const client = cvmClient(emu)
    await client.CreateImage(fromRunning)
    await expectCode(
      client.CreateImage({ ...fromRunning, ImageName: 'app-2' }),
      'ImageQuotaLimitExceeded'
    )
    await expect(client.DescribeImageQuota()).resolves.toMatchObject({ ImageNumQuota: 4 })
  })

  it('refuses an instance with an operation in progress', async () => {
    emu = await emulator()
    emu.state.getInstance(SEED.instances.running)!.LatestOperationState = 'OPERATING'
    await expectCode(
      cvmClient(emu).CreateImage(fromRunning),
      'OperationDenied.InstanceOperationInProgress'
    )
  })

  it('answers a passing DryRun with DryRunOperation and creates nothing', async () => {
    emu = await emulator()
    const before = emu.state.images().length
    await expectCode(
      cvmClient(emu).CreateImage({ ...fromRunning, DryRun: true }),
      'DryRunOperation'
    )
    expect(emu.state.images()).toHaveLength(before)
    await expectCode(
      cvmClient(emu).CreateImage({ ...fromRunning, ImageName: 'app-base-2025', DryRun: true }),
      'InvalidImageName.Duplicate'
    )
  })

  it("answers a passing DryRun with plain success under dryRunStyle 'success'", async () => {
    emu = await emulator({ dryRunStyle: 'success' })
    const answer = await cvmClient(emu).CreateImage({ ...fromRunning, DryRun: true })
    expect(answer.ImageId).toBeUndefined()
    expect(answer.RequestId).toBeDefined()
  })
})

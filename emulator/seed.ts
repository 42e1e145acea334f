// The resources every emulator starts with. Ids are fixed so tests and demos can name them.
import { seedLaunchResources } from './seed-launch.ts'
import type { EmulatorState } from './state.ts'
import type { Credentials, DiskRecord, InstanceRecord } from './types.ts'

export const TEST_CREDENTIALS: Required<Pick<Credentials, 'secretId' | 'secretKey'>> = {
  secretId: 'AKIDemu1atorTestKey0000000000000001',
  secretKey: 'emu1atorTestSecretKey00000000001'
}

export const SEED = {
  accountId: '100000000001',
  /** Accounts that exist besides the caller's: share targets, owner of the shared image. */
  otherAccountIds: ['100000000002', '100000000003'],
  /** Well-formed but not an existing account: sharing with it fails. */
  unknownAccountId: '100000099999',
  /** A sub-account (collaborator) UIN: it exists, but images are shared with owner accounts only. */
  subAccountId: '100000000004',
  regions: ['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-singapore', 'ap-shanghai-fsi'],
  zones: {
    'ap-guangzhou': 'ap-guangzhou-3',
    'ap-shanghai': 'ap-shanghai-2',
    'ap-beijing': 'ap-beijing-5',
    'ap-singapore': 'ap-singapore-1',
    'ap-shanghai-fsi': 'ap-shanghai-fsi-1'
  } as Record<string, string>,
  region: 'ap-guangzhou',
  instances: {
    /** RUNNING, in ap-guangzhou, system disk + two data disks. */
    running: 'ins-7run4gz1',
    /** STOPPED, in ap-guangzhou, one data disk. */
    stopped: 'ins-7stp4gz1',
    /** RUNNING; every image made from it ends in CREATEFAILED. */
    failCreate: 'ins-7fal4gz1',
    /** REBOOTING: CreateImage answers UnsupportedOperation.InstanceStateRebooting. */
    rebooting: 'ins-7rbt4gz1',
    /** TERMINATING: CreateImage answers UnsupportedOperation.InstanceStateTerminating. */
    terminating: 'ins-7trm4gz1',
    /** RUNNING, in ap-shanghai. */
    shanghai: 'ins-7run4sh1'
  },
  disks: {
    runningSystem: 'disk-7sys4gz1',
    runningData: ['disk-7dat4gz1', 'disk-7dat4gz2'],
    stoppedSystem: 'disk-7sys4gz2',
    stoppedData: 'disk-7dat4gz3'
  },
  snapshots: {
    /** Of the running instance's system disk. */
    system: 'snap-7sys4gz1',
    /** Of the running instance's first data disk. */
    data: 'snap-7dat4gz1',
    /** Of the stopped instance's system disk: a second system snapshot. */
    otherSystem: 'snap-7sys4gz2'
  },
  images: {
    /** PUBLIC_IMAGE 'TencentOS Server 3.1 (TK4)' in ap-guangzhou and ap-shanghai (different ids). */
    public: 'img-pub4gz01',
    publicShanghai: 'img-pub4sh01',
    /** Owned by another account, shared with the caller: SHARED_IMAGE. */
    sharedWithMe: 'img-shr4gz01',
    /** The caller's own NORMAL image 'app-base-2025' (tags team=platform). */
    own: 'img-own4gz01',
    /** The caller's own image 'app-shared-2025', shared with otherAccountIds[0]. */
    ownShared: 'img-own4gz02',
    /** The caller's own older image 'app-base-2024' (family app-base). */
    ownOld: 'img-own4gz03'
  }
} as const

function disk(DiskId: string, DiskType: string, DiskSize: number): DiskRecord {
  return { DiskId, DiskType, DiskSize }
}

function instance(
  id: string,
  name: string,
  state: string,
  region: string,
  systemDisk: DiskRecord,
  dataDisks: DiskRecord[]
): InstanceRecord {
  return {
    InstanceId: id,
    InstanceName: name,
    InstanceType: 'S5.MEDIUM4',
    InstanceState: state,
    LatestOperation: state === 'REBOOTING' ? 'RebootInstances' : 'StartInstances',
    LatestOperationState: state === 'REBOOTING' ? 'OPERATING' : 'SUCCESS',
    OsName: 'TencentOS Server 3.1 (TK4)',
    Platform: 'TencentOS',
    Architecture: 'x86_64',
    ImageId: region === 'ap-shanghai' ? SEED.images.publicShanghai : SEED.images.public,
    zone: SEED.zones[region] ?? `${region}-1`,
    region,
    ownerAccountId: SEED.accountId,
    SystemDisk: systemDisk,
    DataDisks: dataDisks
  }
}

export function seedState(state: EmulatorState): void {
  const gz = 'ap-guangzhou'
  const runningSystem = disk(SEED.disks.runningSystem, 'CLOUD_BSSD', 50)
  const runningData = SEED.disks.runningData.map(id => disk(id, 'CLOUD_BSSD', 100))
  const stoppedSystem = disk(SEED.disks.stoppedSystem, 'CLOUD_PREMIUM', 50)
  const I = SEED.instances
  const bssd = (id: string) => disk(id, 'CLOUD_BSSD', 50)
  const seeded: Array<[string, string, string, string, DiskRecord, DiskRecord[]]> = [
    [I.running, 'web-1', 'RUNNING', gz, runningSystem, runningData],
    [
      I.stopped,
      'web-2',
      'STOPPED',
      gz,
      stoppedSystem,
      [disk(SEED.disks.stoppedData, 'CLOUD_PREMIUM', 200)]
    ],
    [I.failCreate, 'flaky-1', 'RUNNING', gz, bssd('disk-7sys4gz3'), []],
    [I.rebooting, 'web-3', 'REBOOTING', gz, bssd('disk-7sys4gz4'), []],
    [I.terminating, 'old-1', 'TERMINATING', gz, bssd('disk-7sys4gz5'), []],
    [I.shanghai, 'web-sh-1', 'RUNNING', 'ap-shanghai', bssd('disk-7sys4sh1'), []]
  ]
  for (const [id, name, instanceState, region, systemDisk, dataDisks] of seeded) {
    const record = instance(id, name, instanceState, region, systemDisk, dataDisks)
    state.addInstance(id === I.failCreate ? { ...record, failCreate: true } : record)
  }

  const snapshot = (
    id: string,
    diskRecord: DiskRecord,
    usage: 'SYSTEM_DISK' | 'DATA_DISK',
    instanceId: string
  ) =>
    state.addSnapshot({
      SnapshotId: id,
      DiskId: diskRecord.DiskId,
      DiskUsage: usage,
      DiskSize: diskRecord.DiskSize,
      region: gz,
      ownerAccountId: SEED.accountId,
      instanceId
    })
  snapshot(SEED.snapshots.system, runningSystem, 'SYSTEM_DISK', I.running)
  snapshot(SEED.snapshots.data, runningData[0] as DiskRecord, 'DATA_DISK', I.running)
  snapshot(SEED.snapshots.otherSystem, stoppedSystem, 'SYSTEM_DISK', I.stopped)

  const publicImage = {
    name: 'TencentOS Server 3.1 (TK4)',
    imageType: 'PUBLIC_IMAGE' as const,
    createdTime: '2024-03-01T00:00:00Z',
    description: 'Tencent Cloud public image'
  }
  state.addImage({ ...publicImage, imageId: SEED.images.public, region: gz })
  state.addImage({ ...publicImage, imageId: SEED.images.publicShanghai, region: 'ap-shanghai' })
  state.addImage({
    imageId: SEED.images.sharedWithMe,
    name: 'partner-base-image',
    region: gz,
    imageType: 'SHARED_IMAGE',
    ownerAccountId: SEED.otherAccountIds[0],
    sharedWith: [SEED.accountId],
    createdTime: '2025-06-01T08:00:00Z'
  })
  state.addImage({
    imageId: SEED.images.ownOld,
    name: 'app-base-2024',
    region: gz,
    imageFamily: 'app-base',
    createdTime: '2024-09-01T08:00:00Z',
    sourceInstanceId: I.running
  })
  state.addImage({
    imageId: SEED.images.own,
    name: 'app-base-2025',
    region: gz,
    tags: [{ Key: 'team', Value: 'platform' }],
    imageFamily: 'app-base',
    createdTime: '2025-09-01T08:00:00Z',
    sourceInstanceId: I.running
  })
  state.addImage({
    imageId: SEED.images.ownShared,
    name: 'app-shared-2025',
    region: gz,
    sharedWith: [SEED.otherAccountIds[0]],
    createdTime: '2025-09-02T08:00:00Z'
  })
  seedLaunchResources(state)
}

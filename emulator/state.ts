// Everything the emulated account owns, per region. Image state changes (CREATING -> NORMAL,
// SYNCING with a rising SyncPercent) are computed from the clock when read, so there are no timers.
import { AutoScalingStore } from './as/store.ts'
import { LaunchTemplateStore } from './cvm/launch-templates.ts'
import { isoSeconds, newResourceId } from './ids.ts'
import type {
  ImageRecord,
  ImageSnapshot,
  ImageState,
  ImageType,
  InstanceRecord,
  SnapshotRecord,
  Tag
} from './types.ts'

/** Owner of public images: no customer account. */
export const PUBLIC_IMAGE_OWNER = 'tencentcloud'

export interface NewImage {
  imageId?: string
  name: string
  region: string
  state?: ImageState
  /** 'SHARED_IMAGE' means owned by another account and shared with the default one. */
  imageType?: ImageType
  ownerAccountId?: string
  sharedWith?: string[]
  tags?: Tag[]
  createdTime?: string
  description?: string
  imageFamily?: string
  osName?: string
  platform?: string
  architecture?: string
  imageSize?: number
  imageSource?: string
  snapshotSet?: ImageSnapshot[]
  sourceInstanceId?: string
}

export interface StateConfig {
  accountId: string
  knownAccountIds: string[]
  regions: string[]
  createMs: number
  syncMs: number
  imageQuota: number
  failSyncRegions: string[]
  syncSourceMs?: number
  syncPlateauMs?: number
  /** UINs of sub-accounts and collaborators: they exist but cannot be shared with. */
  subAccountIds?: string[]
}

export class EmulatorState {
  readonly accountId: string
  readonly regions: readonly string[]
  /** Accounts that exist, so sharing with any other id is InvalidAccountId.NotFound. */
  readonly knownAccountIds: Set<string>
  readonly instances = new Map<string, InstanceRecord>()
  readonly snapshots = new Map<string, SnapshotRecord>()
  readonly failSyncRegions: Set<string>
  readonly launchTemplates = new LaunchTemplateStore()
  readonly autoScaling = new AutoScalingStore()
  readonly subAccountIds: Set<string>
  createMs: number
  syncMs: number
  /** How long the source of a SyncImages stays SYNCING (undefined: syncMs). */
  syncSourceMs: number | undefined
  /** The last part of syncMs in which a copy's SyncPercent holds at 99. */
  syncPlateauMs: number
  /** Tag keys the account has created (through images or the Tag service), by account. */
  private readonly tagKeys = new Map<string, Set<string>>()
  private readonly imageStore = new Map<string, ImageRecord>()
  private readonly quotas = new Map<string, number>()
  private readonly defaultQuota: number

  constructor(config: StateConfig) {
    this.accountId = config.accountId
    this.regions = config.regions
    this.knownAccountIds = new Set(config.knownAccountIds)
    this.createMs = config.createMs
    this.syncMs = config.syncMs
    this.defaultQuota = config.imageQuota
    this.failSyncRegions = new Set(config.failSyncRegions)
    this.syncSourceMs = config.syncSourceMs
    this.syncPlateauMs = config.syncPlateauMs ?? 0
    this.subAccountIds = new Set(config.subAccountIds ?? [])
  }

  /** Records that the account has used these tag keys: the Tag service then knows them. */
  noteTagKeys(accountId: string, keys: string[]): void {
    const known = this.tagKeys.get(accountId) ?? new Set<string>()
    for (const key of keys) known.add(key)
    this.tagKeys.set(accountId, known)
  }

  hasTagKey(accountId: string, key: string): boolean {
    return this.tagKeys.get(accountId)?.has(key) ?? false
  }

  /** All images (any owner), optionally of one region, oldest first. */
  images(region?: string): ImageRecord[] {
    const all = [...this.imageStore.values()].filter(image => !region || image.region === region)
    for (const image of all) this.refresh(image)
    return all
  }

  getImage(imageId: string): ImageRecord | undefined {
    const image = this.imageStore.get(imageId)
    if (image) this.refresh(image)
    return image
  }

  /** Forces a state (e.g. CREATEFAILED), cancelling any pending change. */
  setImageState(imageId: string, state: ImageState): ImageRecord {
    const image = this.imageStore.get(imageId)
    if (!image) throw new Error(`No image ${imageId} in the emulator`)
    image.transition = undefined
    image.ImageState = state
    if (state === 'NORMAL') image.SyncPercent = 100
    return image
  }

  addImage(input: NewImage): ImageRecord {
    const imageType = input.imageType ?? 'PRIVATE_IMAGE'
    const owner =
      input.ownerAccountId ??
      (imageType === 'PUBLIC_IMAGE'
        ? PUBLIC_IMAGE_OWNER
        : imageType === 'SHARED_IMAGE'
          ? this.someOtherAccount()
          : this.accountId)
    const sharedWith = input.sharedWith ?? (imageType === 'SHARED_IMAGE' ? [this.accountId] : [])
    const createdTime = input.createdTime ?? isoSeconds(Date.now())
    const state = input.state ?? 'NORMAL'
    const image: ImageRecord = {
      ImageId: input.imageId ?? newResourceId('img'),
      ImageName: input.name,
      ImageDescription: input.description ?? '',
      // Stored from the owner's side; a viewer it is shared with sees SHARED_IMAGE.
      ImageType: imageType === 'SHARED_IMAGE' ? 'PRIVATE_IMAGE' : imageType,
      ImageState: state,
      CreatedTime: createdTime,
      OsName: input.osName ?? 'TencentOS Server 3.1 (TK4)',
      ImageSize: input.imageSize ?? 50,
      Architecture: input.architecture ?? 'x86_64',
      Platform: input.platform ?? 'TencentOS',
      ImageCreator: owner,
      ImageSource:
        input.imageSource ?? (imageType === 'PUBLIC_IMAGE' ? 'OFFICIAL' : 'CREATE_IMAGE'),
      SyncPercent: state === 'NORMAL' ? 100 : 0,
      IsSupportCloudinit: true,
      SnapshotSet: input.snapshotSet ?? [],
      Tags: input.tags ?? [],
      LicenseType: 'TencentCloud',
      ImageFamily: input.imageFamily ?? '',
      ImageDeprecated: false,
      CdcCacheStatus: '',
      region: input.region,
      ownerAccountId: owner,
      sharedWith: new Map(sharedWith.map(account => [account, createdTime])),
      sourceInstanceId: input.sourceInstanceId
    }
    if (this.imageStore.has(image.ImageId)) throw new Error(`Image ${image.ImageId} exists already`)
    this.imageStore.set(image.ImageId, image)
    this.noteTagKeys(
      owner,
      image.Tags.map(tag => tag.Key)
    )
    return image
  }

  deleteImage(imageId: string): void {
    this.imageStore.delete(imageId)
  }

  /**
   * Moves the image to finalState after durationMs (SYNCING images report SyncPercent meanwhile,
   * held at 99 for the last plateauMs).
   */
  scheduleTransition(
    image: ImageRecord,
    durationMs: number,
    finalState: ImageState,
    plateauMs = 0
  ): void {
    const startedAtMs = Date.now()
    image.transition = { startedAtMs, endsAtMs: startedAtMs + durationMs, finalState, plateauMs }
    this.refresh(image)
  }

  getInstance(instanceId: string): InstanceRecord | undefined {
    return this.instances.get(instanceId)
  }

  addInstance(instance: InstanceRecord): InstanceRecord {
    this.instances.set(instance.InstanceId, instance)
    return instance
  }

  addSnapshot(snapshot: SnapshotRecord): SnapshotRecord {
    this.snapshots.set(snapshot.SnapshotId, snapshot)
    return snapshot
  }

  quota(region: string): number {
    return this.quotas.get(region) ?? this.defaultQuota
  }

  setQuota(region: string, quota: number): void {
    this.quotas.set(region, quota)
  }

  /** Custom images the account owns in the region: what counts against the quota. */
  ownedImages(accountId: string, region: string): ImageRecord[] {
    return this.images(region).filter(image => image.ownerAccountId === accountId)
  }

  isVisibleTo(image: ImageRecord, accountId: string): boolean {
    return (
      image.ImageType === 'PUBLIC_IMAGE' ||
      image.ownerAccountId === accountId ||
      image.sharedWith.has(accountId)
    )
  }

  private someOtherAccount(): string {
    return [...this.knownAccountIds].find(account => account !== this.accountId) ?? '0'
  }

  private refresh(image: ImageRecord): void {
    const transition = image.transition
    if (!transition) return
    const now = Date.now()
    if (now >= transition.endsAtMs) {
      image.ImageState = transition.finalState
      if (transition.finalState === 'NORMAL') image.SyncPercent = 100
      image.transition = undefined
      return
    }
    if (image.ImageState === 'SYNCING') {
      const plateau = Math.min(
        transition.plateauMs ?? 0,
        transition.endsAtMs - transition.startedAtMs
      )
      const span = Math.max(1, transition.endsAtMs - transition.startedAtMs - plateau)
      image.SyncPercent = Math.min(99, Math.floor(((now - transition.startedAtMs) / span) * 100))
    }
  }
}

/** The API's Image model as `viewerAccountId` sees it. */
export function toApiImage(image: ImageRecord, viewerAccountId: string): Record<string, unknown> {
  const sharedToViewer =
    image.ImageType !== 'PUBLIC_IMAGE' && image.ownerAccountId !== viewerAccountId
  return {
    ImageId: image.ImageId,
    OsName: image.OsName,
    ImageType: sharedToViewer ? 'SHARED_IMAGE' : image.ImageType,
    CreatedTime: image.CreatedTime,
    ImageName: image.ImageName,
    ImageDescription: image.ImageDescription,
    ImageSize: image.ImageSize,
    Architecture: image.Architecture,
    ImageState: image.ImageState,
    Platform: image.Platform,
    ImageCreator: image.ImageCreator,
    ImageSource: image.ImageSource,
    SyncPercent: image.SyncPercent,
    IsSupportCloudinit: image.IsSupportCloudinit,
    SnapshotSet: image.SnapshotSet.map(snapshot => ({ ...snapshot })),
    Tags: image.Tags.map(tag => ({ ...tag })),
    LicenseType: image.LicenseType,
    ImageFamily: image.ImageFamily,
    ImageDeprecated: image.ImageDeprecated,
    CdcCacheStatus: image.CdcCacheStatus
  }
}

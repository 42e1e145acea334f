// Shared shapes of the emulator: its options, its records of resources, and its call log.

export interface Credentials {
  secretId: string
  secretKey: string
  /** The account (uin) the key belongs to; the seeded account when left out. */
  accountId?: string
}

export interface OidcProvider {
  providerId: string
  issuer: string
  /** The audiences the provider accepts (CAM calls them client ids). */
  clientIds: string[]
  /** RS256 public key that verifies the provider's tokens. */
  publicKeyPem: string
}

export interface RoleConfig {
  /** e.g. 'qcs::cam::uin/100000000001:roleName/deployer'; the uin decides the account. */
  roleArn: string
  /** Only this provider may be used with AssumeRoleWithWebIdentity. */
  providerId?: string
  /** Required match of the token's `sub` claim (exact string or pattern). */
  subject?: string | RegExp
  /** Long-term SecretIds allowed to AssumeRole this role; any known key when left out. */
  allowSecretIds?: string[]
}

export interface StsOptions {
  providers?: OidcProvider[]
  roles?: RoleConfig[]
  /** Caps the lifetime actually issued, so tests can watch credentials expire. */
  issuedDurationSeconds?: number
}

export type DryRunStyle = 'error' | 'success'

export interface EmulatorOptions {
  port?: number
  host?: string
  credentials?: Credentials[]
  /** Accept only `credentials`, not TEST_CREDENTIALS. */
  replaceCredentials?: boolean
  createMs?: number
  syncMs?: number
  imageQuota?: number
  /** Requests per second per account, by action; `false` turns rate limiting off. */
  rateLimits?: Record<string, number> | false
  /** Clock for the signature timestamp check and credential expiry. */
  now?: () => number
  sts?: StsOptions
  logger?: (line: string) => void
  dryRunStyle?: DryRunStyle
  /** Copies synced into these regions end in CREATEFAILED. */
  failSyncRegions?: string[]
  /** How long the source of a SyncImages stays SYNCING; syncMs when left out. */
  syncSourceMs?: number
  /** The last part of syncMs in which a copy's SyncPercent holds at 99 (default 0). */
  syncPlateauMs?: number
}

export type ImageState =
  'CREATING' | 'NORMAL' | 'CREATEFAILED' | 'SYNCING' | 'IMPORTING' | 'IMPORTFAILED' | 'USING'

export type ImageType = 'PRIVATE_IMAGE' | 'PUBLIC_IMAGE' | 'SHARED_IMAGE'

export interface Tag {
  Key: string
  Value: string
}

export interface ImageSnapshot {
  SnapshotId: string
  DiskUsage: 'SYSTEM_DISK' | 'DATA_DISK'
  DiskSize: number
}

/** A pending state change, applied lazily when the image is next read. */
export interface ImageTransition {
  startedAtMs: number
  endsAtMs: number
  finalState: ImageState
  /** The last part of the transition that SyncPercent holds at 99. */
  plateauMs?: number
}

/** An image as stored: the API's Image fields plus who owns it and who may see it. */
export interface ImageRecord {
  ImageId: string
  ImageName: string
  ImageDescription: string
  ImageType: ImageType
  ImageState: ImageState
  CreatedTime: string
  OsName: string
  ImageSize: number
  Architecture: string
  Platform: string
  ImageCreator: string
  ImageSource: string
  SyncPercent: number
  IsSupportCloudinit: boolean
  SnapshotSet: ImageSnapshot[]
  Tags: Tag[]
  LicenseType: string
  ImageFamily: string
  ImageDeprecated: boolean
  CdcCacheStatus: string
  region: string
  ownerAccountId: string
  /** accountId -> ISO time it was shared. */
  sharedWith: Map<string, string>
  sourceInstanceId?: string
  transition?: ImageTransition
}

export interface DiskRecord {
  DiskId: string
  DiskType: string
  DiskSize: number
}

export interface InstanceRecord {
  InstanceId: string
  InstanceName: string
  InstanceType: string
  InstanceState: string
  LatestOperation: string
  LatestOperationState: string
  OsName: string
  Platform: string
  Architecture: string
  ImageId: string
  zone: string
  region: string
  ownerAccountId: string
  SystemDisk: DiskRecord
  DataDisks: DiskRecord[]
  /** Images made from this instance end in CREATEFAILED. */
  failCreate?: boolean
  /** Overrides the emulator's createMs for images of this instance. */
  createMs?: number
}

export interface SnapshotRecord {
  SnapshotId: string
  DiskId: string
  DiskUsage: 'SYSTEM_DISK' | 'DATA_DISK'
  DiskSize: number
  region: string
  ownerAccountId: string
  instanceId?: string
}

export type Service = 'cvm' | 'sts' | 'as' | 'tag'
export type CallOutcome = 'ok' | 'error' | 'dropped' | 'http-error'

export interface RecordedCall {
  seq: number
  /** Epoch ms when the request arrived. */
  time: number
  service: Service
  action: string
  region: string
  version: string
  params: Record<string, unknown>
  secretId?: string
  token?: string
  /** The request carried a TC3-HMAC-SHA256 Authorization header (valid or not). */
  signed: boolean
  outcome: CallOutcome
  code?: string
  requestId: string
  /** 0 when the socket was destroyed without an answer. */
  httpStatus: number
  injected?: boolean
  durationMs: number
}

export interface FaultRule {
  action: string
  times?: number
  code?: string
  message?: string
  httpStatus?: number
  drop?: 'before' | 'after'
  /**
   * Wait this long before doing the work and answering. The work is done even if the client has
   * given up by then: a request carried out a while after it arrived.
   */
  latencyMs?: number
  /** Never answer: hold the connection open until the client gives up or the emulator closes. */
  hang?: boolean
  /** Answer HTTP 200 with this body instead of the API's JSON (a gateway or proxy answering). */
  body?: string
  region?: string
}

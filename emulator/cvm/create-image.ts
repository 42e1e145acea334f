// CreateImage with the API's own checks, in the order the real service applies them.
import { dryRunPassed, type ActionContext, type ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { isoSeconds, newResourceId, RESOURCE_ID_PATTERN } from '../ids.ts'
import {
  optionalBoolean,
  optionalBooleanString,
  optionalString,
  optionalStringArray,
  rejectUnknownParameters,
  requiredString
} from '../params.ts'
import type { ImageSnapshot, InstanceRecord, SnapshotRecord } from '../types.ts'
import { readImageTags } from './tags.ts'

const PARAMETERS = [
  'ImageName',
  'InstanceId',
  'ImageDescription',
  'ForcePoweroff',
  'Sysprep',
  'DataDiskIds',
  'SnapshotIds',
  'DryRun',
  'TagSpecification',
  'ImageFamily'
] as const

const MAX_NAME_LENGTH = 60
const MAX_DESCRIPTION_LENGTH = 256
/** Instance states from which an image can be made. */
const IMAGEABLE_STATES = new Set(['RUNNING', 'STOPPED'])

function tooLong(name: string, max: number, length: number): ApiError {
  return new ApiError(
    'InvalidParameterValue.TooLarge',
    `The value of parameter \`${name}\` is ${length} characters long; at most ${max} are allowed.`
  )
}

/** e.g. REBOOTING -> UnsupportedOperation.InstanceStateRebooting. */
function refusedInstanceState(instance: InstanceRecord): ApiError {
  const words = instance.InstanceState.toLowerCase().split('_')
  const suffix = words.map(word => word.charAt(0).toUpperCase() + word.slice(1)).join('')
  return new ApiError(
    `UnsupportedOperation.InstanceState${suffix}`,
    `Instance ${instance.InstanceId} is ${instance.InstanceState}; an image can be made only from a RUNNING or STOPPED instance.`
  )
}

function findInstance(context: ActionContext, instanceId: string): InstanceRecord {
  if (!RESOURCE_ID_PATTERN.instance.test(instanceId)) {
    throw new ApiError(
      'InvalidInstanceId.Malformed',
      `The instance id \`${instanceId}\` is malformed.`
    )
  }
  const instance = context.state.getInstance(instanceId)
  if (
    !instance ||
    instance.region !== context.region ||
    instance.ownerAccountId !== context.accountId
  ) {
    throw new ApiError(
      'InvalidInstanceId.NotFound',
      `The instance \`${instanceId}\` does not exist in ${context.region}.`
    )
  }
  if (!IMAGEABLE_STATES.has(instance.InstanceState)) throw refusedInstanceState(instance)
  if (instance.LatestOperationState === 'OPERATING') {
    throw new ApiError(
      'OperationDenied.InstanceOperationInProgress',
      `Instance ${instanceId} is running ${instance.LatestOperation}; retry when it finishes.`
    )
  }
  return instance
}

function checkDataDisks(instance: InstanceRecord, dataDiskIds: string[]): void {
  for (const diskId of dataDiskIds) {
    if (diskId === instance.SystemDisk.DiskId) {
      throw new ApiError(
        'InvalidParameter.DataDiskIdContainsRootDisk',
        `DataDiskIds must not contain the system disk ${diskId}.`
      )
    }
    if (!instance.DataDisks.some(disk => disk.DiskId === diskId)) {
      throw new ApiError(
        'InvalidParameter.DataDiskNotBelongSpecifiedInstance',
        `The data disk ${diskId} does not belong to instance ${instance.InstanceId}.`
      )
    }
  }
}

function findSnapshots(context: ActionContext, snapshotIds: string[]): SnapshotRecord[] {
  const snapshots = snapshotIds.map(snapshotId => {
    const snapshot = context.state.snapshots.get(snapshotId)
    if (
      !snapshot ||
      snapshot.region !== context.region ||
      snapshot.ownerAccountId !== context.accountId
    ) {
      throw new ApiError(
        'InvalidParameter.SnapshotNotFound',
        `The snapshot \`${snapshotId}\` does not exist in ${context.region}.`
      )
    }
    return snapshot
  })
  const systemSnapshots = snapshots.filter(snapshot => snapshot.DiskUsage === 'SYSTEM_DISK')
  if (systemSnapshots.length === 0) {
    throw new ApiError(
      'InvalidParameter.SystemSnapshotNotFound',
      'SnapshotIds must include one snapshot of a system disk.'
    )
  }
  if (systemSnapshots.length > 1) {
    throw new ApiError(
      'InvalidParameter.DuplicateSystemSnapshots',
      'SnapshotIds may include only one snapshot of a system disk.'
    )
  }
  return snapshots
}

function checkNameAndQuota(context: ActionContext, imageName: string): void {
  const owned = context.state.ownedImages(context.accountId, context.region)
  if (owned.some(image => image.ImageName === imageName)) {
    throw new ApiError(
      'InvalidImageName.Duplicate',
      `An image named \`${imageName}\` already exists in ${context.region}.`
    )
  }
  const quota = context.state.quota(context.region)
  if (owned.length >= quota) {
    throw new ApiError(
      'ImageQuotaLimitExceeded',
      `The custom image quota of ${quota} in ${context.region} is used up; delete images first.`
    )
  }
}

export function createImage(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, PARAMETERS)
  const imageName = requiredString(params, 'ImageName')
  if (imageName.length > MAX_NAME_LENGTH)
    throw tooLong('ImageName', MAX_NAME_LENGTH, imageName.length)
  const description = optionalString(params, 'ImageDescription') ?? ''
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw tooLong('ImageDescription', MAX_DESCRIPTION_LENGTH, description.length)
  }
  optionalBooleanString(params, 'ForcePoweroff')
  optionalBooleanString(params, 'Sysprep')
  const dryRun = optionalBoolean(params, 'DryRun') ?? false
  const imageFamily = optionalString(params, 'ImageFamily') ?? ''
  const tags = readImageTags(params)
  const instanceId = optionalString(params, 'InstanceId')
  const snapshotIds = optionalStringArray(params, 'SnapshotIds')
  const dataDiskIds = optionalStringArray(params, 'DataDiskIds') ?? []

  if (instanceId && snapshotIds) {
    throw new ApiError('InvalidParameterConflict', 'Specify InstanceId or SnapshotIds, not both.')
  }
  if (!instanceId && !snapshotIds) {
    throw new ApiError(
      'InvalidParameter.SpecifyOneParameter',
      'Specify one of InstanceId or SnapshotIds.'
    )
  }
  if (dataDiskIds.length > 0 && !instanceId) {
    throw new ApiError('InvalidParameter.InvalidDependence', 'DataDiskIds requires InstanceId.')
  }

  let instance: InstanceRecord | undefined
  let snapshotSet: ImageSnapshot[]
  if (instanceId) {
    instance = findInstance(context, instanceId)
    checkDataDisks(instance, dataDiskIds)
    const disks = [
      { disk: instance.SystemDisk, usage: 'SYSTEM_DISK' as const },
      ...instance.DataDisks.filter(disk => dataDiskIds.includes(disk.DiskId)).map(disk => ({
        disk,
        usage: 'DATA_DISK' as const
      }))
    ]
    snapshotSet = disks.map(({ disk, usage }) => ({
      SnapshotId: newResourceId('snap'),
      DiskUsage: usage,
      DiskSize: disk.DiskSize
    }))
  } else {
    const snapshots = findSnapshots(context, snapshotIds ?? [])
    const system = snapshots.find(snapshot => snapshot.DiskUsage === 'SYSTEM_DISK')
    instance = system?.instanceId ? context.state.getInstance(system.instanceId) : undefined
    snapshotSet = snapshots.map(snapshot => ({
      SnapshotId: snapshot.SnapshotId,
      DiskUsage: snapshot.DiskUsage,
      DiskSize: snapshot.DiskSize
    }))
  }
  checkNameAndQuota(context, imageName)
  if (dryRun) return dryRunPassed(context)

  const image = context.state.addImage({
    name: imageName,
    region: context.region,
    state: 'CREATING',
    ownerAccountId: context.accountId,
    description,
    imageFamily,
    tags,
    createdTime: isoSeconds(Date.now()),
    osName: instance?.OsName,
    platform: instance?.Platform,
    architecture: instance?.Architecture,
    imageSize: snapshotSet.find(snapshot => snapshot.DiskUsage === 'SYSTEM_DISK')?.DiskSize,
    snapshotSet,
    sourceInstanceId: instance?.InstanceId
  })
  const createMs = instance?.createMs ?? context.state.createMs
  context.state.scheduleTransition(
    image,
    createMs,
    instance?.failCreate ? 'CREATEFAILED' : 'NORMAL'
  )
  if (instanceId && instance) {
    instance.LatestOperation = 'CreateImage'
    instance.LatestOperationState = 'SUCCESS'
  }
  return { ImageId: image.ImageId }
}

// DeleteImages and SyncImages.
import { dryRunPassed, type ActionContext, type ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { isoSeconds } from '../ids.ts'
import {
  optionalBoolean,
  optionalString,
  rejectUnknownParameters,
  requiredStringArray
} from '../params.ts'
import { findOwnImage } from './find-image.ts'

const MAX_DELETE_IDS = 100
const MAX_NAME_LENGTH = 60
/** States in which an image is busy and can be neither deleted nor copied. */
const BUSY_STATES = new Set(['CREATING', 'SYNCING', 'IMPORTING'])

export function deleteImages(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['ImageIds', 'DeleteBindedSnap', 'DryRun'])
  const imageIds = requiredStringArray(params, 'ImageIds')
  optionalBoolean(params, 'DeleteBindedSnap')
  const dryRun = optionalBoolean(params, 'DryRun') ?? false
  if (imageIds.length > MAX_DELETE_IDS) {
    throw new ApiError(
      'InvalidParameterValue.LimitExceeded',
      `At most ${MAX_DELETE_IDS} images can be deleted at once.`
    )
  }
  // All or nothing: every image is checked before any is deleted.
  const images = imageIds.map(imageId => {
    const image = findOwnImage(context, imageId, 'InvalidParameterValue.InvalidImageId')
    if (BUSY_STATES.has(image.ImageState)) {
      throw new ApiError(
        'InvalidImageId.IncorrectState',
        `The image \`${imageId}\` is ${image.ImageState} and cannot be deleted until that ends.`
      )
    }
    if (image.sharedWith.size > 0) {
      throw new ApiError(
        'InvalidImageId.InShared',
        `The image \`${imageId}\` is shared with ${image.sharedWith.size} account(s); cancel the sharing (ModifyImageSharePermission CANCEL) first.`
      )
    }
    return image
  })
  if (dryRun) return dryRunPassed(context)
  for (const image of images) state.deleteImage(image.ImageId)
  return {}
}

export function syncImages(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, [
    'ImageIds',
    'DestinationRegions',
    'DryRun',
    'ImageName',
    'ImageSetRequired',
    'Encrypt',
    'KmsKeyId'
  ])
  const imageIds = requiredStringArray(params, 'ImageIds')
  const regions = requiredStringArray(params, 'DestinationRegions')
  const dryRun = optionalBoolean(params, 'DryRun') ?? false
  const imageSetRequired = optionalBoolean(params, 'ImageSetRequired') ?? false
  const encrypt = optionalBoolean(params, 'Encrypt') ?? false
  optionalString(params, 'KmsKeyId')
  const imageName = optionalString(params, 'ImageName')
  if (imageName !== undefined && (imageName.length === 0 || imageName.length > MAX_NAME_LENGTH)) {
    throw new ApiError(
      'InvalidParameterValue.TooLarge',
      `ImageName must be 1 to ${MAX_NAME_LENGTH} characters.`
    )
  }
  if (imageIds.length > 1) {
    throw new ApiError(
      'InvalidParameterValue.LimitExceeded',
      'SyncImages copies one image per call.'
    )
  }
  const source = findOwnImage(
    context,
    imageIds[0] as string,
    'InvalidParameterValue.InvalidImageId'
  )
  if (source.ImageState === 'CREATING') {
    throw new ApiError('FailedOperation.InvalidImageState', 'The image is busy; try again later.')
  }
  if (source.ImageState === 'SYNCING') {
    throw new ApiError(
      'InvalidParameterValue.InvalidImageState',
      `The image \`${source.ImageId}\` is taken by another operation; try again later.`
    )
  }
  if (source.ImageState !== 'NORMAL') {
    throw new ApiError(
      'InvalidImageId.IncorrectState',
      `The image \`${source.ImageId}\` is ${source.ImageState}; only NORMAL images can be synced.`
    )
  }
  const copyName = imageName ?? source.ImageName
  for (const [index, region] of regions.entries()) {
    if (!state.regions.includes(region)) {
      throw new ApiError('InvalidRegion.NotFound', `The region \`${region}\` does not exist.`)
    }
    if (regions.indexOf(region) !== index) {
      throw new ApiError('InvalidParameterValue', `DestinationRegions lists ${region} twice.`)
    }
    if (region === context.region && !encrypt) {
      throw new ApiError(
        'InvalidRegion.Unavailable',
        `The image is already in ${region}; only an encrypted copy may be made in its own region.`
      )
    }
    const owned = state.ownedImages(context.accountId, region)
    if (owned.some(image => image.ImageName === copyName)) {
      throw new ApiError(
        'InvalidImageName.Duplicate',
        `An image named \`${copyName}\` already exists in ${region}.`
      )
    }
    if (owned.length >= state.quota(region)) {
      throw new ApiError(
        'ImageQuotaLimitExceeded',
        `The custom image quota in ${region} is used up.`
      )
    }
  }
  if (dryRun) return dryRunPassed(context)

  const imageSet = regions.map(region => {
    const copy = state.addImage({
      name: copyName,
      region,
      state: 'SYNCING',
      ownerAccountId: source.ownerAccountId,
      description: source.ImageDescription,
      // No source says copies inherit tags or the family: assume they do not, so that only an
      // action that sets them passes.
      createdTime: isoSeconds(Date.now()),
      osName: source.OsName,
      platform: source.Platform,
      architecture: source.Architecture,
      imageSize: source.ImageSize,
      imageSource: source.ImageSource,
      snapshotSet: source.SnapshotSet.map(snapshot => ({ ...snapshot }))
    })
    const finalState = state.failSyncRegions.has(region) ? 'CREATEFAILED' : 'NORMAL'
    state.scheduleTransition(copy, state.syncMs, finalState, state.syncPlateauMs)
    return { ImageId: copy.ImageId, Region: region }
  })
  // The source is busy while it is copied (Terraform waits for it to be NORMAL again).
  source.ImageState = 'SYNCING'
  state.scheduleTransition(source, state.syncSourceMs ?? state.syncMs, 'NORMAL')
  return imageSetRequired ? { ImageSet: imageSet } : {}
}

// ModifyImageSharePermission, DescribeImageSharePermission and DescribeImageQuota.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { isoSeconds } from '../ids.ts'
import { rejectUnknownParameters, requiredString, requiredStringArray } from '../params.ts'
import { findOwnImage } from './find-image.ts'

const MAX_SHARED_ACCOUNTS = 500
const ACCOUNT_ID_PATTERN = /^\d{5,20}$/

export function modifyImageSharePermission(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['ImageId', 'AccountIds', 'Permission'])
  const imageId = requiredString(params, 'ImageId')
  const accountIds = requiredStringArray(params, 'AccountIds')
  const permission = requiredString(params, 'Permission')
  if (permission !== 'SHARE' && permission !== 'CANCEL') {
    throw new ApiError(
      'InvalidParameterValue',
      `Permission must be SHARE or CANCEL, not \`${permission}\`.`
    )
  }
  const image = findOwnImage(context, imageId, 'UnauthorizedOperation.ImageNotBelongToAccount')
  if (image.ImageState !== 'NORMAL') {
    throw new ApiError(
      'InvalidParameterValue.InvalidImageState',
      `The image \`${imageId}\` is ${image.ImageState}, busy with another operation; try again later.`
    )
  }
  for (const accountId of accountIds) {
    if (!ACCOUNT_ID_PATTERN.test(accountId)) {
      throw new ApiError(
        'InvalidParameterValue',
        `The account id \`${accountId}\` is malformed; use the numeric account id (UIN).`
      )
    }
    if (accountId === context.accountId) {
      throw new ApiError('InvalidAccountIs.YourSelf', 'You cannot share an image with yourself.')
    }
    if (state.subAccountIds.has(accountId)) {
      throw new ApiError(
        'FailedOperation.NotMasterAccount',
        `The account \`${accountId}\` is not a master account.`
      )
    }
    if (!state.knownAccountIds.has(accountId)) {
      throw new ApiError(
        'InvalidAccountId.NotFound',
        `The account \`${accountId}\` does not exist.`
      )
    }
    if (permission === 'SHARE' && image.sharedWith.has(accountId)) {
      throw new ApiError(
        'FailedOperation.AccountAlreadyExists',
        `The image \`${imageId}\` is already shared with \`${accountId}\`.`
      )
    }
  }
  if (permission === 'CANCEL') {
    for (const accountId of accountIds) image.sharedWith.delete(accountId)
    return {}
  }
  const after = new Set([...image.sharedWith.keys(), ...accountIds])
  if (after.size > MAX_SHARED_ACCOUNTS) {
    throw new ApiError(
      'OverQuota',
      `An image can be shared with at most ${MAX_SHARED_ACCOUNTS} accounts.`
    )
  }
  const now = isoSeconds(Date.now())
  for (const accountId of accountIds) {
    if (!image.sharedWith.has(accountId)) image.sharedWith.set(accountId, now)
  }
  return {}
}

export function describeImageSharePermission(context: ActionContext): ActionResult {
  rejectUnknownParameters(context.params, ['ImageId'])
  const imageId = requiredString(context.params, 'ImageId')
  const image = findOwnImage(context, imageId, 'UnauthorizedOperation.ImageNotBelongToAccount')
  return {
    SharePermissionSet: [...image.sharedWith.entries()].map(([AccountId, CreatedTime]) => ({
      CreatedTime,
      AccountId
    }))
  }
}

export function describeImageQuota(context: ActionContext): ActionResult {
  rejectUnknownParameters(context.params, [])
  return { ImageNumQuota: context.state.quota(context.region) }
}

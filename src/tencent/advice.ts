// What each Tencent Cloud error code means in plain words and what to do about it: the CreateImage,
// DescribeImages, DeleteImages, SyncImages, sharing and STS error tables of the API reference, and
// the Go SDK's lists for TagResources, launch templates and Auto Scaling.
// errors.ts decides how to use it.

export interface CodeAdvice {
  meaning: string
  todo: string
}

export const CHECK_KEYS =
  'Check the secret-id, secret-key and session-token inputs (or TENCENTCLOUD_* variables).'

// Meanings from the CreateImage, DescribeImages and common error tables of the API reference.
export const ADVICE: Record<string, CodeAdvice> = {
  'AuthFailure.SignatureFailure': {
    meaning: 'the request signature does not match',
    todo: 'Check that secret-key belongs to secret-id and has no stray characters.'
  },
  'AuthFailure.SignatureExpire': {
    meaning: 'the request timestamp is more than 5 minutes off the server clock',
    todo: "Check the runner's clock (NTP)."
  },
  'AuthFailure.SecretIdNotFound': {
    meaning: 'the SecretId does not exist or has been disabled',
    todo: 'Check secret-id, or create a new API key in the CAM console.'
  },
  'AuthFailure.InvalidSecretId': {
    meaning: 'the SecretId is not valid (it may not be an API key)',
    todo: 'Check secret-id.'
  },
  'AuthFailure.TokenFailure': {
    meaning: 'the temporary credential token is invalid or has expired',
    todo: 'Pass the session-token that belongs to these temporary keys, and use them before they expire.'
  },
  'AuthFailure.InvalidAuthorization': {
    meaning: 'the Authorization header is malformed',
    todo: CHECK_KEYS
  },
  'AuthFailure.UnauthorizedOperation': {
    meaning: 'the key is not authorised for this operation (CAM)',
    todo: 'Grant the CAM policy listed in the README (cvm:CreateImage, cvm:DescribeImages, ...).'
  },
  UnauthorizedOperation: {
    meaning: 'the key is not authorised for this operation (CAM)',
    todo: 'Grant the CAM policy listed in the README (cvm:CreateImage, cvm:DescribeImages, ...).'
  },
  ImageQuotaLimitExceeded: {
    meaning: 'the custom image quota of this region is used up',
    todo: 'Delete old images (see the cleanup action) or ask Tencent Cloud to raise the quota.'
  },
  'InvalidImageName.Duplicate': {
    meaning: 'an image with this name already exists in this region',
    todo: 'Choose another image-name (for example add the tag or run number), delete the old image, or set if-exists to reuse or replace.'
  },
  'InvalidImageId.IncorrectState': {
    meaning:
      'the image is in a state that does not allow this (an image that is CREATING, SYNCING or IMPORTING cannot be deleted, and only a NORMAL one can be shared)',
    todo: 'Wait until the image is NORMAL or CREATEFAILED and run again.'
  },
  'InvalidImageId.InShared': {
    meaning: 'the image is shared with other accounts, so it cannot be deleted',
    todo: 'Cancel its sharing (ModifyImageSharePermission CANCEL) and run again.'
  },
  'InvalidImageId.NotFound': {
    meaning: 'no image with this id exists in this region',
    todo: 'Check the image id and the region input.'
  },
  'InvalidImageId.Malformed': {
    meaning: 'the image id is malformed',
    todo: 'Image ids look like img-xxxxxxxx.'
  },
  'InvalidParameterValue.InvalidImageId': {
    meaning: "the image is not one of this account's own custom images",
    todo: 'Public images and images shared by other accounts cannot be deleted; check the image ids.'
  },
  'UnauthorizedOperation.ImageNotBelongToAccount': {
    meaning: 'the image belongs to another account',
    todo: 'Only your own images can be shared, unshared or deleted; check the image ids.'
  },
  'InvalidInstanceId.NotFound': {
    meaning: 'no instance with this id exists in this region',
    todo: 'Check instance-id and region.'
  },
  'InvalidInstanceId.Malformed': {
    meaning: 'the instance id is malformed',
    todo: 'Check instance-id (ins- followed by 8 characters).'
  },
  'InvalidInstance.NotSupported': {
    meaning: 'this instance does not support creating an image',
    todo: 'Check the instance type; some types cannot be imaged.'
  },
  'InvalidAccount.InsufficientBalance': {
    meaning: 'the account balance is insufficient',
    todo: 'Top up the account.'
  },
  'InvalidParameter.DataDiskIdContainsRootDisk': {
    meaning: 'data-disk-ids contains the system disk',
    todo: 'List only data disks in data-disk-ids.'
  },
  'InvalidParameter.DataDiskNotBelongSpecifiedInstance': {
    meaning: 'a data disk does not belong to the instance',
    todo: 'Check data-disk-ids against the disks attached to instance-id.'
  },
  'InvalidParameter.DuplicateSystemSnapshots': {
    meaning: 'snapshot-ids contains more than one system-disk snapshot',
    todo: 'Pass exactly one system-disk snapshot.'
  },
  'InvalidParameter.SystemSnapshotNotFound': {
    meaning: 'snapshot-ids contains no system-disk snapshot',
    todo: 'Add the snapshot of the system disk to snapshot-ids.'
  },
  'InvalidParameter.SnapshotNotFound': {
    meaning: 'a snapshot in snapshot-ids does not exist',
    todo: 'Check snapshot-ids and region.'
  },
  'InvalidParameter.InstanceImageNotSupport': {
    meaning: 'this instance type cannot be made into a full-instance image',
    todo: 'Leave data-disk-ids empty or use another instance.'
  },
  'InvalidParameter.InvalidDependence': {
    meaning: 'the parameters depend on each other in a way that is not valid',
    todo: 'Check instance-id, snapshot-ids and data-disk-ids.'
  },
  'InvalidParameter.LocalDataDiskNotSupport': {
    meaning: 'local data disks cannot be included in an image',
    todo: 'Remove local disks from data-disk-ids.'
  },
  'InvalidParameter.SpecifyOneParameter': {
    meaning: 'exactly one of InstanceId and SnapshotIds must be given',
    todo: 'Set either instance-id or snapshot-ids.'
  },
  'InvalidParameter.SwapDiskNotSupport': {
    meaning: 'swap disks cannot be included in an image',
    todo: 'Remove the swap disk from data-disk-ids.'
  },
  'InvalidParameter.ValueTooLarge': {
    meaning: 'a parameter value is too large',
    todo: 'Check the lengths of image-name and image-description.'
  },
  InvalidParameterConflict: {
    meaning: 'two parameters conflict',
    todo: 'Check instance-id, snapshot-ids and data-disk-ids.'
  },
  'InvalidParameterValue.TooLarge': {
    meaning: 'a parameter value is too large',
    todo: 'Check the lengths of image-name and image-description.'
  },
  'MutexOperation.TaskRunning': {
    meaning: 'another operation is running on the same resource',
    todo: 'Wait for the other operation to finish and run again.'
  },
  'OperationDenied.InstanceOperationInProgress': {
    meaning: 'the instance has an operation in progress',
    todo: 'Wait for the instance operation to finish and run again.'
  },
  'ResourceInsufficient.CloudDiskUnavailable': {
    meaning: 'the cloud disk is unavailable',
    todo: 'Check the state of the instance disks.'
  },
  'UnsupportedOperation.NotSupportInstanceImage': {
    meaning: 'this instance does not support full-instance images',
    todo: 'Leave data-disk-ids empty.'
  },
  'UnsupportedOperation.StoppedModeStopCharging': {
    meaning: 'the instance was stopped in no-charge mode, which cannot be imaged',
    todo: 'Start the instance, or stop it in a mode that keeps charging, then run again.'
  },
  // SyncImages and ModifyImageSharePermission (copy-to-regions, share-with-accounts).
  'InvalidRegion.NotFound': {
    meaning: 'a destination region does not exist',
    todo: 'Check the region names in copy-to-regions.'
  },
  'InvalidRegion.Unavailable': {
    meaning: 'a destination region does not support image copies now',
    todo: 'Leave that region out of copy-to-regions, or try again later; an image cannot be copied to its own region either.'
  },
  'InvalidParameterValue.InvalidRegion': {
    meaning: 'a destination region is not valid for copying this image',
    todo: 'Check the region names in copy-to-regions.'
  },
  'UnsupportedOperation.Region': {
    meaning: 'copying images is not supported in this region or a destination region',
    todo: 'Leave that region out of copy-to-regions.'
  },
  'UnsupportedOperation.LocationImageNotSupported': {
    meaning: 'this kind of image (e.g. one kept on a CDC or a local disk) cannot be copied',
    todo: 'Leave copy-to-regions empty for this image.'
  },
  'InvalidImageId.TooLarge': {
    meaning: 'the image is too large to be copied to another region',
    todo: 'Make a smaller image, or leave copy-to-regions empty.'
  },
  'FailedOperation.InvalidImageState': {
    meaning: 'the image is busy with another operation',
    todo: 'Wait until it is NORMAL and run again.'
  },
  'InvalidParameterValue.InvalidImageState': {
    meaning: 'the image is busy with another operation (a copy to another region, say)',
    todo: 'Wait until it is NORMAL and run again.'
  },
  'InvalidParameterValue.TagQuotaLimitExceeded': {
    meaning: 'the tags would exceed the tag quota (of the image, or of the account)',
    todo: 'Set fewer tags, or set provenance-tags to false; delete tag keys the account no longer uses.'
  },
  'InvalidParameterValue.TagKeyNotFound': {
    meaning: 'a tag key in the request does not exist in this account',
    todo: 'Check the tag keys in tags.'
  },
  'InvalidParameterValue.TagValueEmpty': {
    meaning: 'a tag has an empty value',
    todo: 'Give every tag in tags a value (key=value).'
  },
  'InvalidParameterValue.InvalidImageFamily': {
    meaning: 'the image family is not valid',
    todo: 'Check image-family: letters, digits, - _ and ., without spaces.'
  },
  'UnsupportedOperation.EncryptedImagesNotSupported': {
    meaning: 'the instance has encrypted disks, which this image operation does not support',
    todo: 'Image an instance without encrypted disks, or leave out the encrypted data disks.'
  },
  'FailedOperation.AccountAlreadyExists': {
    meaning: 'the image is already shared with this account',
    todo: 'Nothing to do: the account has the image.'
  },
  'FailedOperation.NotMasterAccount': {
    meaning:
      'this is a sub-account or collaborator UIN; images are shared with owner accounts only',
    todo: "Use the owner (root) account's UIN in share-with-accounts, from that account's Account Center."
  },
  'FailedOperation.AccountIsYourSelf': {
    meaning: 'an image cannot be shared with the account that owns it',
    todo: 'Remove your own account ID from share-with-accounts.'
  },
  ServiceUnavailable: {
    meaning: 'the service is temporarily unavailable',
    todo: 'Run again later.'
  },
  // Tag service (TagResources, for the copies).
  'InvalidParameterValue.ResourceDescriptionError': {
    meaning: 'the Tag service did not accept the resource names of the copies',
    todo: 'Check tag-endpoint; the copies are named qcs::cvm:<region>:uin/<account>:image/<id>.'
  },
  'LimitExceeded.ResourceAttachedTags': {
    meaning: 'a copy would carry more tags than an image may (50)',
    todo: 'Set fewer tags, or set provenance-tags to false.'
  },
  'LimitExceeded.TagNumPerRequest': {
    meaning: 'one TagResources call carried more than 10 tags',
    todo: 'The action sends at most 10 a call; check tag-endpoint points at the Tag service.'
  },
  'LimitExceeded.ResourceNumPerRequest': {
    meaning: 'one TagResources call named more than 10 resources',
    todo: 'The action sends at most 10 a call; check tag-endpoint points at the Tag service.'
  },
  'LimitExceeded.TagValue': {
    meaning:
      'a tag key of the account already has 1000 values, the most the Tag service allows (provenance tags such as github:run-id get a new value each run)',
    todo: 'Delete tag values no resource uses any more (Tag console), or set provenance-tags to false.'
  },
  'InvalidParameter.UnsupportedService': {
    meaning: 'the Tag service does not know the service in the resource names (cvm)',
    todo: 'Check that tag-endpoint points at the Tag service (tag.tencentcloudapi.com).'
  },
  'FailedOperation.ResourceTagProcessing': {
    meaning: "the Tag service is still processing an earlier change of the copy's tags",
    todo: 'Run again in a minute.'
  },
  // Launch templates (CVM) and Auto Scaling, for the promote action.
  'InvalidParameterValue.LaunchTemplateIdMalformed': {
    meaning: 'the launch template id is malformed',
    todo: 'Launch template ids look like lt-xxxxxxxx; check launch-templates.'
  },
  'InvalidParameterValue.LaunchTemplateIdNotExisted': {
    meaning: 'no launch template with this id exists in this region',
    todo: 'Check launch-templates: the id, and the region before it (ap-shanghai:lt-xxxxxxxx).'
  },
  'InvalidParameterValue.LaunchTemplateNotFound': {
    meaning: 'the launch template was not found in this region',
    todo: 'Check launch-templates: the id, and the region before it (ap-shanghai:lt-xxxxxxxx).'
  },
  'InvalidParameterValue.LaunchTemplateIdVerNotExisted': {
    meaning: 'the launch template has no such version (it may have been deleted meanwhile)',
    todo: "Run again: the template's default version is read afresh; check that no one deletes its versions during the run."
  },
  'InvalidParameterValue.LaunchTemplateIdVerSetAlready': {
    meaning: 'this version is already the default version of the launch template',
    todo: 'Nothing to do: the template launches from it already.'
  },
  'LimitExceeded.LaunchTemplateVersionQuota': {
    meaning: 'the launch template has as many versions as allowed (30)',
    todo: 'Delete old versions of the template (DeleteLaunchTemplateVersions, or the console) and run again.'
  },
  'InvalidParameterValue.InvalidLaunchConfigurationId': {
    meaning: 'the launch configuration id is malformed',
    todo: 'Launch configuration ids look like asc-xxxxxxxx; check launch-configurations.'
  },
  'ResourceNotFound.LaunchConfigurationIdNotFound': {
    meaning: 'no launch configuration with this id exists in this region',
    todo: 'Check launch-configurations: the id, and the region before it (ap-shanghai:asc-xxxxxxxx).'
  },
  'InvalidParameterValue.InvalidAutoScalingGroupId': {
    meaning: 'the scaling group id is malformed',
    todo: 'Scaling group ids look like asg-xxxxxxxx; check refresh-scaling-groups.'
  },
  'ResourceNotFound.AutoScalingGroupNotFound': {
    meaning: 'no scaling group with this id exists in this region',
    todo: 'Check refresh-scaling-groups: the id, and the region before it (ap-shanghai:asg-xxxxxxxx).'
  },
  'InvalidAccountId.NotFound': {
    meaning: 'an account to share with does not exist',
    todo: "Check share-with-accounts: use each account's ID (UIN) from its Account Center."
  },
  'InvalidAccountIs.YourSelf': {
    meaning: 'an image cannot be shared with the account that owns it',
    todo: 'Remove your own account ID from share-with-accounts.'
  },
  OverQuota: {
    meaning: 'the image is already shared with as many accounts as allowed',
    todo: 'Share with fewer accounts, or cancel shares the image no longer needs.'
  },
  RequestLimitExceeded: {
    meaning: 'the API rate limit of this account was exceeded',
    todo: 'Fewer parallel jobs, or a larger poll-interval-seconds.'
  },
  InternalError: {
    meaning: 'Tencent Cloud had an internal error',
    todo: 'Run again; if it persists, open a ticket with the RequestId.'
  },
  InvalidAction: {
    meaning: 'the API does not know this action',
    todo: 'Check the endpoint input: it must point at the CVM API.'
  },
  UnsupportedRegion: {
    meaning: 'the API is not available in this region',
    todo: 'Check the region input.'
  }
}

const WRONG_ROLE: CodeAdvice = {
  meaning:
    'STS could not use the role in role-arn: it does not exist, is not a role ARN, or does not trust the identity provider',
  todo: "Check role-arn (qcs::cam::uin/<account id>:roleName/<role name>) in the CAM console, and that the role's trust policy names the provider in oidc-provider-id."
}

const ROLE_NOT_FOUND: CodeAdvice = {
  meaning: 'the role in role-arn does not exist',
  todo: 'Check role-arn (qcs::cam::uin/<account id>:roleName/<role name>) in the CAM console.'
}

// STS reuses generic codes with meanings of its own, so its advice is looked up by action first.
export const STS_ADVICE: Record<string, Record<string, CodeAdvice>> = {
  AssumeRoleWithWebIdentity: {
    'InvalidParameter.WebIdentityTokenError': {
      meaning:
        "STS refused this run's GitHub ID token: its audience is not among the identity provider's client ids, the provider's issuer is not https://token.actions.githubusercontent.com, or the provider's signing key is stale (GitHub rotated its keys and the provider's IdentityKey was not updated)",
      todo: "In CAM > Identity providers, make the provider's client ids include the token's aud (at the end of this message), or set oidc-audience to one of them, and check its issuer. If both are right, update the provider's signing public key to GitHub's current JWKS (https://token.actions.githubusercontent.com/.well-known/jwks) and turn on automatic key rotation (AutoRotateKey); see the README's keyless sign-in section."
    },
    UnauthorizedOperation: {
      meaning:
        "the role's trust policy does not accept this token: it trusts another identity provider, or its oidc:sub condition does not match this repository, branch or environment",
      todo: "Check that the role in role-arn trusts the provider in oidc-provider-id, and that its oidc:sub condition matches the token's sub (at the end of this message), e.g. repo:<owner>/<repo>:ref:refs/heads/main or repo:<owner>/<repo>:environment:<name>."
    },
    'InvalidParameter.ParamError': {
      meaning:
        'STS refused a parameter: most often oidc-provider-id names no identity provider of the account',
      todo: "Check oidc-provider-id against the provider name in CAM > Identity providers, and role-duration-seconds against the role's maximum session duration."
    },
    'InternalError.GetRoleError': WRONG_ROLE,
    'InternalError.IllegalRole': WRONG_ROLE,
    'InvalidParameter.OverLimit': {
      meaning: 'STS throttled the sign-in (too many requests a second)',
      todo: 'Fewer parallel jobs signing in at once, or run again.'
    }
  },
  AssumeRole: {
    UnauthorizedOperation: {
      meaning: 'these keys may not assume the role',
      todo: "Allow the keys' user sts:AssumeRole on role-arn, and make the role's trust policy trust that user or its account."
    },
    'InvalidParameter.OverTimeError': {
      meaning: "role-duration-seconds is longer than the role's maximum session duration",
      todo: "Lower role-duration-seconds, or raise the role's maximum session duration."
    },
    'ResourceNotFound.RoleNotFound': ROLE_NOT_FOUND,
    'InternalError.IllegalRole': WRONG_ROLE
  }
}

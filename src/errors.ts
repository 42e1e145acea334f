// The one place that knows Tencent Cloud's error codes: which are worth retrying, which mean a
// request may have been carried out although its answer was lost, and what each means in plain words.

/** What the SDK throws (TencentCloudSDKHttpException), read structurally so tests can build one. */
export interface SdkErrorLike {
  message?: string
  code?: string
  httpCode?: number
  requestId?: string
}

export type FailureKind = 'api' | 'http' | 'network' | 'other'

export interface ClassifiedError {
  kind: FailureKind
  code: string | undefined
  httpCode: number | undefined
  requestId: string | undefined
  message: string
}

export function classify(error: unknown): ClassifiedError {
  if (error instanceof ApiCallError) return error.detail
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike
  const message = typeof e.message === 'string' ? e.message : String(error)
  const requestId = e.requestId || undefined
  if (typeof e.code === 'string' && e.code !== '') {
    return { kind: 'api', code: e.code, httpCode: undefined, requestId, message }
  }
  if (typeof e.httpCode === 'number') {
    return { kind: 'http', code: undefined, httpCode: e.httpCode, requestId, message }
  }
  const isAbort = (error as { name?: string })?.name === 'AbortError'
  if (!isAbort && isTransportMessage(message)) {
    return { kind: 'network', code: undefined, httpCode: undefined, requestId, message }
  }
  return { kind: 'other', code: undefined, httpCode: undefined, requestId, message }
}

// node-fetch's words for a request that never got an answer; the SDK wraps them in its exception.
function isTransportMessage(message: string): boolean {
  return /network timeout|request to .* failed|socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|premature close|invalid json response body/i.test(
    message
  )
}

const RETRYABLE_PREFIXES = [
  'RequestLimitExceeded',
  'InternalError',
  'ResourceInUse',
  'ResourceBusy',
  'ResourceUnavailable'
]
const RETRYABLE_CODES = new Set([
  'OperationDenied.InstanceOperationInProgress',
  'MutexOperation.TaskRunning'
])

function matchesPrefix(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(prefix + '.')
}

export function isRetryable(error: unknown): boolean {
  const c = classify(error)
  switch (c.kind) {
    case 'network':
      return true
    case 'http':
      return (c.httpCode ?? 0) >= 500
    case 'api':
      return RETRYABLE_CODES.has(c.code!) || RETRYABLE_PREFIXES.some(p => matchesPrefix(c.code!, p))
    default:
      return false
  }
}

/** True when the request may have been carried out although no answer came back. */
export function answerMayBeLost(error: unknown): boolean {
  const c = classify(error)
  return c.kind === 'network' || (c.kind === 'http' && (c.httpCode ?? 0) >= 500)
}

/** Sharing refused because of an account in the list, not because of the image. */
export function isAccountRefused(error: unknown): boolean {
  const code = classify(error).code
  return (
    code !== undefined &&
    ['InvalidAccountId', 'InvalidAccountIs'].some(prefix => matchesPrefix(code, prefix))
  )
}

export function isRateLimited(error: unknown): boolean {
  const code = classify(error).code
  return code !== undefined && matchesPrefix(code, 'RequestLimitExceeded')
}

interface CodeAdvice {
  meaning: string
  todo: string
}

const CHECK_KEYS =
  'Check the secret-id, secret-key and session-token inputs (or TENCENTCLOUD_* variables).'

// Meanings from the CreateImage, DescribeImages and common error tables of the API reference.
const ADVICE: Record<string, CodeAdvice> = {
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
    meaning: 'the image cannot be copied to a destination region',
    todo: 'Check copy-to-regions; an image cannot be copied to its own region.'
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
  },
  'InvalidParameterValue.Region': {
    meaning: 'the region is not valid',
    todo: 'Check the region input.'
  }
}

const ROLE_NOT_FOUND: CodeAdvice = {
  meaning: 'the role in role-arn does not exist',
  todo: 'Check role-arn (qcs::cam::uin/<account id>:roleName/<role name>) in the CAM console.'
}

// STS reuses generic codes with meanings of its own, so its advice is looked up by action first.
const STS_ADVICE: Record<string, Record<string, CodeAdvice>> = {
  AssumeRoleWithWebIdentity: {
    'InvalidParameter.WebIdentityTokenError': {
      meaning:
        "STS refused this run's GitHub ID token: most often its audience is not among the identity provider's client ids, or the provider's issuer is not https://token.actions.githubusercontent.com",
      todo: "In CAM > Identity providers, make the provider's client ids include the token's aud (at the end of this message), or set oidc-audience to one of them, and check its issuer."
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
    'ResourceNotFound.RoleNotFound': ROLE_NOT_FOUND
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
    'ResourceNotFound.RoleNotFound': ROLE_NOT_FOUND
  }
}

function adviceFor(code: string, action?: string): CodeAdvice | undefined {
  const sts = action ? STS_ADVICE[action]?.[code] : undefined
  if (sts) return sts
  if (ADVICE[code]) return ADVICE[code]
  if (code.startsWith('UnsupportedOperation.InstanceState')) {
    return {
      meaning: `the instance is in a state that does not allow it (${code.slice('UnsupportedOperation.InstanceState'.length)})`,
      todo: 'Wait until the instance is RUNNING or STOPPED and run again.'
    }
  }
  const prefix = Object.keys(ADVICE).find(p => !p.includes('.') && matchesPrefix(code, p))
  if (prefix) return ADVICE[prefix]
  if (code.startsWith('AuthFailure')) return { meaning: 'authentication failed', todo: CHECK_KEYS }
  return undefined
}

/** An API call that failed for good, with a message that reads as advice. */
export class ApiCallError extends Error {
  readonly detail: ClassifiedError
  readonly action: string
  readonly title: string
  readonly attempts: number

  /** `note` adds facts of this run the advice refers to. */
  constructor(action: string, detail: ClassifiedError, attempts: number, note?: string) {
    super(describeFailure(action, detail, attempts) + (note ? ` ${note}` : ''))
    this.name = 'ApiCallError'
    this.action = action
    this.detail = detail
    this.attempts = attempts
    this.title = detail.code ? `${action} failed: ${detail.code}` : `${action} failed`
  }
}

export function describeFailure(action: string, c: ClassifiedError, attempts = 1): string {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : ''
  const requestId = c.requestId ? ` RequestId: ${c.requestId}.` : ''
  if (c.kind === 'api' && c.code) {
    const advice = adviceFor(c.code, action)
    const meaning = advice ? `${capitalise(advice.meaning)}. ` : ''
    const todo = advice ? ` ${advice.todo}` : ''
    return `${action} failed${tries}: ${meaning}${c.code}: ${c.message}.${requestId}${todo}`
  }
  if (c.kind === 'http') {
    return `${action} failed${tries}: the API answered HTTP ${c.httpCode} (${c.message}).${requestId} Tencent Cloud may be having trouble; run again later, and check the endpoint input.`
  }
  if (c.kind === 'network') {
    return `${action} failed${tries}: no answer from the API (${c.message}). Check the endpoint input, the network and any proxy settings (https_proxy, no_proxy).`
  }
  return `${action} failed${tries}: ${c.message}`
}

const TOKEN_REFUSALS = new Set(['InvalidParameter.WebIdentityTokenError', 'UnauthorizedOperation'])

/**
 * A refused AssumeRoleWithWebIdentity, with the token's aud and sub: what the provider's client ids
 * and the role's oidc:sub condition are compared with. Neither claim is secret.
 */
export function explainStsFailure(
  error: ApiCallError,
  facts: { aud?: string; sub?: string }
): ApiCallError {
  if (!TOKEN_REFUSALS.has(error.detail.code ?? '')) return error
  const note = `This run's ID token has aud '${facts.aud ?? '(none)'}' and sub '${facts.sub ?? '(none)'}'.`
  return new ApiCallError(error.action, error.detail, error.attempts, note)
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** A failure that should be reported with an annotation title. */
export class ActionFailure extends Error {
  readonly title: string
  constructor(title: string, message: string) {
    super(message)
    this.name = 'ActionFailure'
    this.title = title
  }
}

// The one place that knows Tencent Cloud's error codes: which are worth retrying, which mean a
// request may have been carried out although its answer was lost, and (with the table in
// advice.ts) what each means in plain words.

import { ADVICE, CHECK_KEYS, STS_ADVICE, type CodeAdvice } from './advice.ts'
import { BadAnswer, NoAnswerInTime } from './client.ts'

/** What the SDK throws (TencentCloudSDKHttpException), read structurally so tests can build one. */
export interface SdkErrorLike {
  message?: string
  code?: string
  httpCode?: number
  requestId?: string
}

/**
 * api: an error answer with a code. http: a non-200 status. network: no answer (refused, reset,
 * the SDK's own timeout). bad-answer: HTTP 200 that is not the API's JSON. deadline: given up
 * because the step's time ran out.
 */
export type FailureKind = 'api' | 'http' | 'network' | 'bad-answer' | 'deadline' | 'other'

export interface ClassifiedError {
  kind: FailureKind
  code: string | undefined
  httpCode: number | undefined
  requestId: string | undefined
  message: string
}

export function classify(error: unknown): ClassifiedError {
  if (error instanceof ApiCallError) return error.detail
  if (error instanceof BadAnswer || error instanceof NoAnswerInTime) {
    const kind = error instanceof BadAnswer ? 'bad-answer' : 'deadline'
    return {
      kind,
      code: undefined,
      httpCode: undefined,
      requestId: undefined,
      message: error.message
    }
  }
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
  'MutexOperation.TaskRunning',
  // The image is busy (the source while SyncImages copies it): it frees itself.
  'FailedOperation.InvalidImageState',
  'InvalidParameterValue.InvalidImageState',
  // STS's own throttling code.
  'InvalidParameter.OverLimit',
  'ServiceUnavailable',
  // The Tag service is still busy with an earlier change of the resource's tags.
  'FailedOperation.ResourceTagProcessing'
])
// Look internal, but STS answers them for a wrong role-arn or a role that does not trust the
// provider: sending again cannot help.
const PERMANENT_CODES = new Set(['InternalError.IllegalRole', 'InternalError.GetRoleError'])

function matchesPrefix(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(prefix + '.')
}

export function isRetryable(error: unknown): boolean {
  const c = classify(error)
  switch (c.kind) {
    case 'network':
    case 'bad-answer':
      return true
    case 'http':
      return (c.httpCode ?? 0) >= 500
    case 'api':
      if (PERMANENT_CODES.has(c.code!)) return false
      return RETRYABLE_CODES.has(c.code!) || RETRYABLE_PREFIXES.some(p => matchesPrefix(c.code!, p))
    default:
      return false
  }
}

/** True when the request may have been carried out although no answer came back. */
export function answerMayBeLost(error: unknown): boolean {
  const c = classify(error)
  return (
    c.kind === 'network' ||
    c.kind === 'bad-answer' ||
    c.kind === 'deadline' ||
    (c.kind === 'http' && (c.httpCode ?? 0) >= 500)
  )
}

const ACCOUNT_REFUSALS = new Set([
  'FailedOperation.NotMasterAccount',
  'FailedOperation.AccountIsYourSelf'
])

/** Sharing refused because of an account in the list, not because of the image. */
export function isAccountRefused(error: unknown): boolean {
  const code = classify(error).code
  return (
    code !== undefined &&
    (ACCOUNT_REFUSALS.has(code) ||
      ['InvalidAccountId', 'InvalidAccountIs'].some(prefix => matchesPrefix(code, prefix)))
  )
}

/** SHARE of an account that already has the image: what was asked for is so. */
export function isAlreadyShared(error: unknown): boolean {
  return classify(error).code === 'FailedOperation.AccountAlreadyExists'
}

export function isRateLimited(error: unknown): boolean {
  const code = classify(error).code
  return code !== undefined && matchesPrefix(code, 'RequestLimitExceeded')
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
  const prefix = Object.keys(ADVICE).find(
    p => !p.includes('.') && matchesPrefix(code, p) && !PERMANENT_CODES.has(code)
  )
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
  if (c.kind === 'bad-answer') {
    return `${action} failed${tries}: ${c.message}. A proxy or gateway between the runner and Tencent Cloud may have answered instead of the API: check the endpoint input and any proxy settings (https_proxy, no_proxy).`
  }
  if (c.kind === 'deadline') {
    return `${action} failed: ${c.message}, so the step stopped waiting for it: its time limit ran out. Tencent Cloud may still carry the request out.`
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

import { describe, expect, it } from '@jest/globals'
import {
  ApiCallError,
  answerMayBeLost,
  classify,
  describeFailure,
  isRetryable
} from '../../src/tencent/errors.ts'
import { sdkError } from '../../__fixtures__/fakes.ts'

function messageFor(fields: Parameters<typeof sdkError>[0]): string {
  return describeFailure('CreateImage', classify(sdkError(fields)))
}

describe('error messages', () => {
  it('gives the meaning, the code, the RequestId and what to do for a duplicate name', () => {
    const m = messageFor({
      code: 'InvalidImageName.Duplicate',
      message: 'name exists',
      requestId: 'r-1'
    })
    expect(m).toBe(
      'CreateImage failed: An image with this name already exists in this region. InvalidImageName.Duplicate: name exists. RequestId: r-1. Choose another image-name (for example add the tag or run number), delete the old image, or set if-exists to reuse or replace.'
    )
  })

  it.each([
    ['AuthFailure.SignatureFailure', /does not match.*secret-key/],
    ['AuthFailure.SecretIdNotFound', /secret-id/],
    ['AuthFailure.SignatureExpire', /clock/],
    ['AuthFailure.TokenFailure', /session-token/],
    ['ImageQuotaLimitExceeded', /quota.*Delete old images.*raise the quota/],
    ['UnauthorizedOperation', /CAM/],
    ['UnsupportedOperation.InstanceStateRebooting', /state.*Rebooting.*RUNNING or STOPPED/],
    ['InvalidParameter.DataDiskNotBelongSpecifiedInstance', /data-disk-ids/],
    ['RequestLimitExceeded.GlobalRegionUinLimitExceeded', /rate limit/],
    ['AuthFailure.SomethingNew', /Authentication failed/]
  ])('explains %s', (code, advice) => {
    const m = messageFor({ code, message: 'msg', requestId: 'req-42' })
    expect(m).toContain(code)
    expect(m).toContain('RequestId: req-42')
    expect(m).toMatch(advice)
  })

  it('passes an unknown code through with its message', () => {
    expect(messageFor({ code: 'Weird.Code', message: 'odd', requestId: 'r' })).toBe(
      'CreateImage failed: Weird.Code: odd. RequestId: r.'
    )
  })

  it('explains HTTP and network failures', () => {
    expect(messageFor({ httpCode: 503, message: 'Service Unavailable' })).toMatch(/HTTP 503/)
    expect(messageFor({ message: 'network timeout at: https://x/' })).toMatch(
      /no answer from the API.*proxy/
    )
  })

  it('titles the annotation with the action and code', () => {
    const e = new ApiCallError(
      'CreateImage',
      classify(sdkError({ code: 'InvalidImageName.Duplicate' })),
      1
    )
    expect(e.title).toBe('CreateImage failed: InvalidImageName.Duplicate')
  })
})

describe('answerMayBeLost', () => {
  it('is true when no answer came back or the server failed', () => {
    expect(
      answerMayBeLost(sdkError({ message: 'request to http://x/ failed, reason: socket hang up' }))
    ).toBe(true)
    expect(answerMayBeLost(sdkError({ httpCode: 502 }))).toBe(true)
  })
  it('is false for an API answer', () => {
    expect(answerMayBeLost(sdkError({ code: 'InternalError' }))).toBe(false)
    expect(answerMayBeLost(sdkError({ code: 'RequestLimitExceeded' }))).toBe(false)
  })
})

describe('STS error advice', () => {
  it('reads a generic code by the action that got it', () => {
    const denied = classify(sdkError({ code: 'UnauthorizedOperation', message: 'no' }))
    expect(describeFailure('CreateImage', denied)).toMatch(/cvm:CreateImage/)
    expect(describeFailure('AssumeRoleWithWebIdentity', denied)).toMatch(
      /trust policy does not accept this token.*oidc:sub/
    )
    expect(describeFailure('AssumeRole', denied)).toMatch(/These keys may not assume the role/)
  })

  it('explains a refused token by the audience and the issuer', () => {
    const refused = classify(sdkError({ code: 'InvalidParameter.WebIdentityTokenError' }))
    expect(describeFailure('AssumeRoleWithWebIdentity', refused)).toMatch(
      /audience is not among the identity provider's client ids.*oidc-audience/
    )
  })
})

describe('codes of the real API', () => {
  it.each([
    ['FailedOperation.InvalidImageState', true],
    ['InvalidParameterValue.InvalidImageState', true],
    ['InvalidParameter.OverLimit', true],
    ['ServiceUnavailable', true],
    ['InternalError.IllegalRole', false],
    ['InternalError.GetRoleError', false],
    ['InternalError.SystemError', true],
    ['FailedOperation.AccountAlreadyExists', false],
    ['FailedOperation.ResourceTagProcessing', true],
    ['LimitExceeded.TagValue', false],
    ['ResourceNotFound.AutoScalingGroupNotFound', false]
  ])('%s is retried: %s', (code, retried) => {
    expect(isRetryable(sdkError({ code }))).toBe(retried)
  })

  it('explains a wrong role rather than an internal error', () => {
    const message = describeFailure('AssumeRoleWithWebIdentity', {
      kind: 'api',
      code: 'InternalError.IllegalRole',
      httpCode: undefined,
      requestId: 'r-1',
      message: 'illegal role'
    })
    expect(message).toMatch(/Check role-arn/)
    expect(message).not.toMatch(/internal error/)
  })
})

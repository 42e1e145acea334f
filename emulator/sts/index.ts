// STS 2018-08-13: AssumeRoleWithWebIdentity (unsigned, an OIDC token instead of keys) and
// AssumeRole (signed with long-term keys). Both hand out temporary keys the CVM side accepts.
import type { ActionContext, ActionHandler, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { isoSeconds } from '../ids.ts'
import { optionalInteger, rejectUnknownParameters, requiredString, type Params } from '../params.ts'
import type { RoleConfig } from '../types.ts'
import { audiences, checkLifetime, TokenRejected, verifyRs256 } from './jwt.ts'

export const STS_VERSION = '2018-08-13'
/** Actions the gateway takes without a signature (Authorization: SKIP). */
export const UNSIGNED_STS_ACTIONS: ReadonlySet<string> = new Set(['AssumeRoleWithWebIdentity'])

const DEFAULT_DURATION_SECONDS = 7200
// STS documents a default and a maximum, no minimum.
const MIN_DURATION_SECONDS = 1
const MAX_DURATION_SECONDS = 43200
const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,128}$/
const ROLE_ARN_PATTERN = /^qcs::cam::uin\/(\d+):role(?:Name)?\/.+$/

/** The uin in 'qcs::cam::uin/<uin>:roleName/<name>', if the ARN has that shape. */
export function accountOfRoleArn(roleArn: unknown): string | undefined {
  return typeof roleArn === 'string' ? ROLE_ARN_PATTERN.exec(roleArn)?.[1] : undefined
}

function paramError(message: string): ApiError {
  return new ApiError('InvalidParameter.ParamError', message)
}

function readSessionName(params: Params): string {
  const name = requiredString(params, 'RoleSessionName')
  if (!SESSION_NAME_PATTERN.test(name)) {
    throw paramError('RoleSessionName must be 2 to 128 characters of letters, digits and +=,.@_-.')
  }
  return name
}

function readDuration(params: Params, outOfRangeCode: string): number {
  return (
    optionalInteger(params, 'DurationSeconds', {
      min: MIN_DURATION_SECONDS,
      max: MAX_DURATION_SECONDS,
      code: outOfRangeCode
    }) ?? DEFAULT_DURATION_SECONDS
  )
}

/** AssumeRole says RoleNotFound; AssumeRoleWithWebIdentity has no such code and says GetRoleError. */
function findRole(context: ActionContext, roleArn: string, missingCode: string): RoleConfig {
  const role = context.sts.roles?.find(candidate => candidate.roleArn === roleArn)
  if (!role) throw new ApiError(missingCode, `Failed to get the role \`${roleArn}\`.`)
  return role
}

function issueCredentials(
  context: ActionContext,
  role: RoleConfig,
  duration: number,
  /** Who asked: the signing key's account for AssumeRole; the role's own with a token. */
  principalAccountId?: string
): ActionResult {
  const lifetime = Math.min(duration, context.sts.issuedDurationSeconds ?? Infinity)
  const expiresAtMs = context.nowMs + lifetime * 1000
  const accountId = accountOfRoleArn(role.roleArn) ?? context.state.accountId
  const issued = context.keys.issueTemporary(
    {
      accountId,
      principalAccountId: principalAccountId ?? accountId,
      roleArn: role.roleArn,
      sessionName: String(context.params.RoleSessionName)
    },
    expiresAtMs
  )
  return {
    Credentials: {
      Token: issued.token,
      TmpSecretId: issued.secretId,
      TmpSecretKey: issued.secretKey
    },
    ExpiredTime: Math.floor(expiresAtMs / 1000),
    Expiration: isoSeconds(expiresAtMs)
  }
}

function subjectMatches(expected: string | RegExp, subject: unknown): boolean {
  if (typeof subject !== 'string') return false
  return typeof expected === 'string' ? expected === subject : expected.test(subject)
}

export function assumeRoleWithWebIdentity(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, [
    'ProviderId',
    'WebIdentityToken',
    'RoleArn',
    'RoleSessionName',
    'DurationSeconds'
  ])
  const providerId = requiredString(params, 'ProviderId')
  const token = requiredString(params, 'WebIdentityToken')
  const roleArn = requiredString(params, 'RoleArn')
  readSessionName(params)
  const duration = readDuration(params, 'InvalidParameter.ParamError')

  const provider = context.sts.providers?.find(candidate => candidate.providerId === providerId)
  if (!provider) throw paramError(`The identity provider \`${providerId}\` does not exist.`)
  const role = findRole(context, roleArn, 'InternalError.GetRoleError')
  let subject: unknown
  try {
    const claims = verifyRs256(token, provider.publicKeyPem)
    checkLifetime(claims, Math.floor(context.nowMs / 1000))
    if (claims.iss !== provider.issuer) {
      throw new TokenRejected(
        `the token's issuer ${String(claims.iss)} is not the provider's issuer ${provider.issuer}`
      )
    }
    const tokenAudiences = audiences(claims)
    if (!tokenAudiences.some(aud => provider.clientIds.includes(aud))) {
      throw new TokenRejected(
        `the token's audience ${tokenAudiences.join(', ') || '(none)'} is not among the provider's client ids ${provider.clientIds.join(', ')}`
      )
    }
    subject = claims.sub
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error
    throw new ApiError(
      'InvalidParameter.WebIdentityTokenError',
      `WebIdentityToken: ${error.message}.`
    )
  }
  if (role.providerId !== undefined && role.providerId !== providerId) {
    throw new ApiError(
      'UnauthorizedOperation',
      `The role \`${roleArn}\` does not trust the identity provider \`${providerId}\`.`
    )
  }
  if (role.subject !== undefined && !subjectMatches(role.subject, subject)) {
    throw new ApiError(
      'UnauthorizedOperation',
      `The token's subject \`${String(subject)}\` does not meet the oidc:sub condition of role \`${roleArn}\`.`
    )
  }
  return issueCredentials(context, role, duration)
}

export function assumeRole(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, [
    'RoleArn',
    'RoleSessionName',
    'DurationSeconds',
    'Policy',
    'ExternalId',
    'Tags',
    'SourceIdentity',
    'SerialNumber',
    'TokenCode'
  ])
  const roleArn = requiredString(params, 'RoleArn')
  readSessionName(params)
  const duration = readDuration(params, 'InvalidParameter.OverTimeError')
  const role = findRole(context, roleArn, 'ResourceNotFound.RoleNotFound')
  if (role.allowSecretIds && !role.allowSecretIds.includes(context.secretId ?? '')) {
    throw new ApiError(
      'UnauthorizedOperation',
      `The SecretId ${context.secretId ?? '(none)'} may not assume the role \`${roleArn}\`.`
    )
  }
  const signer = context.secretId ? context.keys.resolve(context.secretId) : undefined
  return issueCredentials(context, role, duration, signer?.accountId)
}

/**
 * Who is calling: any valid signature may ask, no CAM permission needed. As the SDK's model says:
 * AccountId is the owner account the caller belongs to (a role's account for a role session);
 * PrincipalId the account that asked for a role's keys; UserId '<role>:<session>' for a role.
 */
export function getCallerIdentity(context: ActionContext): ActionResult {
  rejectUnknownParameters(context.params, [])
  const key = context.secretId ? context.keys.resolve(context.secretId) : undefined
  if (key?.kind === 'temporary') {
    const roleName = key.roleArn.slice(key.roleArn.lastIndexOf('/') + 1)
    return {
      Arn: `${key.roleArn.replace(':roleName/', ':assumed-role/')}/${key.sessionName}`,
      AccountId: key.accountId,
      UserId: `${roleName}:${key.sessionName}`,
      PrincipalId: key.principalAccountId,
      Type: 'CAMRole'
    }
  }
  return {
    Arn: `qcs::cam::uin/${context.accountId}:uin/${context.accountId}`,
    AccountId: context.accountId,
    UserId: context.accountId,
    PrincipalId: context.accountId,
    Type: 'RootAccount'
  }
}

export const STS_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity
}

// Which way to get credentials, decided from the raw inputs and the environment before any call.
// Pure, like the rest of input parsing: every combination is tested as data.
import { parseEndpoint, type Endpoint } from '../tencent/endpoint.ts'
import { InputError, parseNumber } from '../runner/inputs.ts'

/** The inputs this module reads; inputs.ts declares them in INPUT_NAMES. */
type CredentialInput =
  | 'secret-id'
  | 'secret-key'
  | 'session-token'
  | 'role-arn'
  | 'oidc-provider-id'
  | 'role-session-name'
  | 'role-duration-seconds'
  | 'oidc-audience'
  | 'sts-endpoint'

export type CredentialInputs = Partial<Record<CredentialInput, string>>

/** Long-lived (or already temporary) keys handed to the action. */
export interface StaticCredentials {
  secretId: string
  secretKey: string
  token?: string
  source: 'inputs' | 'environment'
}

/** What STS is asked for, whichever way the role is assumed. */
export interface RoleRequest {
  roleArn: string
  sessionName: string
  durationSeconds: number
  stsEndpoint: Endpoint
}

/** Keyless: a GitHub OIDC ID token traded for the role's temporary keys. */
export interface WebIdentityPlan {
  source: 'oidc'
  role: RoleRequest
  providerId: string
  audience: string
}

/** Role chaining: keys that may assume a role, e.g. in another account. */
export interface RoleChainPlan {
  source: 'role-chain'
  role: RoleRequest
  keys: StaticCredentials
}

export type CredentialPlan = StaticCredentials | WebIdentityPlan | RoleChainPlan

export const DEFAULT_OIDC_AUDIENCE = 'sts.tencentcloudapi.com'
export const DEFAULT_ROLE_DURATION_SECONDS = 3600
// STS documents a default (7200) and a maximum, no minimum; keys are renewed at three quarters of
// a short life, so any whole number of seconds works.
export const MIN_ROLE_DURATION_SECONDS = 1
export const MAX_ROLE_DURATION_SECONDS = 43200

// CAM: 'qcs::cam::uin/<uin>:roleName/<name>' (a name may carry a path: '.../roleName/<path>/<name>'),
// ':role/<role id>', or a service role's ':role/tencentcloudServiceRole/<id>'.
const ROLE_ARN =
  /^qcs::cam::uin\/\d+:(roleName\/[\w+=,.@-]+(\/[\w+=,.@-]+)*|role\/\d+|role\/tencentcloudServiceRole\/[\w+=,.@-]+)$/
const SESSION_NAME = /^[\w+=,.@-]{2,128}$/
const SESSION_NAME_MAX = 128
// Inputs that only mean something when a role is assumed.
const ROLE_ONLY: CredentialInput[] = ['role-session-name', 'role-duration-seconds', 'sts-endpoint']

/**
 * An input of the action that needs STS even without a role (the main action's copy-to-regions:
 * the copies are tagged by resource names that hold the account, which STS tells).
 */
export interface StsWithoutRole {
  input: string
  given: boolean
}

export function parseCredentialPlan(
  raw: CredentialInputs,
  env: Record<string, string | undefined>,
  region: string,
  stsWithoutRole?: StsWithoutRole
): CredentialPlan {
  const get = (name: CredentialInput): string => (raw[name] ?? '').trim()
  const roleArn = get('role-arn')
  const providerId = get('oidc-provider-id')
  const keysGiven = get('secret-id') !== '' || get('secret-key') !== ''

  if (roleArn === '') {
    if (providerId !== '') {
      throw new InputError(
        'oidc-provider-id',
        'needs role-arn: keyless sign-in assumes that role with the GitHub ID token. Set role-arn together with oidc-provider-id.'
      )
    }
    const stsUsed = stsWithoutRole?.given === true
    const stray = [...ROLE_ONLY, 'oidc-audience' as const].find(
      name => get(name) !== '' && !(name === 'sts-endpoint' && stsUsed)
    )
    if (stray) {
      const also = stray === 'sts-endpoint' && stsWithoutRole ? ` or ${stsWithoutRole.input}` : ''
      throw new InputError(
        stray,
        `only goes with role-arn${also}; set role-arn${also} or leave it empty.`
      )
    }
    return parseStaticCredentials(raw, env)
  }

  if (!ROLE_ARN.test(roleArn)) {
    throw new InputError(
      'role-arn',
      `'${roleArn}' is not a CAM role ARN such as qcs::cam::uin/100000000001:roleName/image-baker.`
    )
  }
  const role: RoleRequest = {
    roleArn,
    sessionName: parseSessionName(get('role-session-name'), env),
    durationSeconds: parseNumber(
      'role-duration-seconds',
      get('role-duration-seconds'),
      DEFAULT_ROLE_DURATION_SECONDS,
      { min: MIN_ROLE_DURATION_SECONDS, max: MAX_ROLE_DURATION_SECONDS, integer: true }
    ),
    stsEndpoint: parseEndpoint('sts-endpoint', get('sts-endpoint'), 'sts', region)
  }

  if (providerId !== '') {
    if (keysGiven || get('session-token') !== '') {
      const name =
        get('secret-id') !== '' ? 'secret-id' : keysGiven ? 'secret-key' : 'session-token'
      throw new InputError(
        name,
        'does not go with oidc-provider-id: keyless sign-in (role-arn with oidc-provider-id) needs no keys. Remove the keys, or remove oidc-provider-id to assume role-arn with the keys.'
      )
    }
    if (/\s/.test(providerId)) throw new InputError('oidc-provider-id', 'contains whitespace.')
    const audience = get('oidc-audience') || DEFAULT_OIDC_AUDIENCE
    if (/\s/.test(audience)) throw new InputError('oidc-audience', 'contains whitespace.')
    return { source: 'oidc', role, providerId, audience }
  }

  if (get('oidc-audience') !== '') {
    throw new InputError('oidc-audience', 'only goes with oidc-provider-id (keyless sign-in).')
  }
  const keys = parseStaticCredentials(raw, env, true)
  return { source: 'role-chain', role, keys }
}

export function parseStaticCredentials(
  raw: CredentialInputs,
  env: Record<string, string | undefined>,
  forRole = false
): StaticCredentials {
  const input = (name: CredentialInput): string => (raw[name] ?? '').trim()
  const fromInputs = input('secret-id') !== '' || input('secret-key') !== ''
  const secretId = fromInputs ? input('secret-id') : (env.TENCENTCLOUD_SECRET_ID ?? '').trim()
  const secretKey = fromInputs ? input('secret-key') : (env.TENCENTCLOUD_SECRET_KEY ?? '').trim()
  const token =
    input('session-token') || (fromInputs ? '' : (env.TENCENTCLOUD_SESSION_TOKEN ?? '').trim())

  if (secretId === '' && secretKey === '') {
    if (forRole) {
      throw new InputError(
        'role-arn',
        'needs a way to assume the role: set oidc-provider-id for keyless sign-in with the GitHub ID token, or secret-id and secret-key (or TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY) of a user allowed to assume it.'
      )
    }
    throw new InputError(
      'secret-id',
      'no credentials: set the secret-id and secret-key inputs (from repository secrets), or the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables, or role-arn with oidc-provider-id for keyless sign-in.'
    )
  }
  const where = fromInputs ? 'input' : 'environment variable'
  if (secretId === '') {
    throw new InputError('secret-id', `is empty but secret-key is set; set the ${where} for both.`)
  }
  if (secretKey === '') {
    throw new InputError('secret-key', `is empty but secret-id is set; set the ${where} for both.`)
  }
  if (/\s/.test(secretId)) throw new InputError('secret-id', 'contains whitespace.')
  if (/\s/.test(secretKey)) throw new InputError('secret-key', 'contains whitespace.')
  return {
    secretId,
    secretKey,
    ...(token !== '' && { token }),
    source: fromInputs ? 'inputs' : 'environment'
  }
}

function parseSessionName(value: string, env: Record<string, string | undefined>): string {
  if (value === '') return defaultSessionName(env)
  if (!SESSION_NAME.test(value)) {
    throw new InputError(
      'role-session-name',
      `'${value}' must be 2 to ${SESSION_NAME_MAX} letters, digits and + = , . @ _ - (STS rules).`
    )
  }
  return value
}

/**
 * The run, as CloudAudit will show it: '<owner>-<repo>-<run id>-<attempt>', cut from the
 * repository side so the run id always fits, in the characters STS accepts.
 */
export function defaultSessionName(env: Record<string, string | undefined>): string {
  const clean = (text: string): string => text.replace(/[^\w+=,.@-]+/g, '-').replace(/^-+|-+$/g, '')
  const runId = clean(env.GITHUB_RUN_ID ?? '')
  const attempt = clean(env.GITHUB_RUN_ATTEMPT ?? '')
  const run = [runId, runId && attempt].filter(Boolean).join('-')
  const room = SESSION_NAME_MAX - (run ? run.length + 1 : 0)
  const repository = clean(clean(env.GITHUB_REPOSITORY ?? '').slice(0, Math.max(room, 0)))
  const name = [repository, run].filter(Boolean).join('-').slice(0, SESSION_NAME_MAX)
  return name.length >= 2 ? name : 'github-actions'
}

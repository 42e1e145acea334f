import { describe, expect, it } from '@jest/globals'
import {
  defaultSessionName,
  parseCredentialPlan,
  type CredentialInputs
} from '../../src/credentials/plan.ts'
import { InputError } from '../../src/runner/inputs.ts'

const ROLE = 'qcs::cam::uin/100000000001:roleName/image-baker'
const KEYS = { 'secret-id': 'AKIDexample00000000000000000000001', 'secret-key': 'k'.repeat(32) }
const RUN_ENV = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2'
}

function plan(
  raw: CredentialInputs,
  env: Record<string, string> = RUN_ENV,
  region = 'ap-guangzhou'
) {
  return parseCredentialPlan(raw, env, region)
}

function inputErrorOf(raw: CredentialInputs, env: Record<string, string> = RUN_ENV): InputError {
  try {
    plan(raw, env)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('choosing the way to sign in', () => {
  it('keys alone: the keys', () => {
    expect(plan(KEYS)).toEqual({ ...pick(KEYS), source: 'inputs' })
  })

  it('role-arn with oidc-provider-id: keyless, with defaults from the run', () => {
    expect(plan({ 'role-arn': ROLE, 'oidc-provider-id': 'github' })).toEqual({
      source: 'oidc',
      providerId: 'github',
      audience: 'sts.tencentcloudapi.com',
      role: {
        roleArn: ROLE,
        sessionName: 'octo-org-octo-repo-42-2',
        durationSeconds: 3600,
        stsEndpoint: { host: 'sts.tencentcloudapi.com', protocol: 'https://' }
      }
    })
  })

  it('keyless ignores TENCENTCLOUD_* variables that other tools may have set', () => {
    const env = { ...RUN_ENV, TENCENTCLOUD_SECRET_ID: 'AKIDenv', TENCENTCLOUD_SECRET_KEY: 'envkey' }
    expect(plan({ 'role-arn': ROLE, 'oidc-provider-id': 'github' }, env).source).toBe('oidc')
  })

  it('role-arn with keys: role chaining signed with them', () => {
    const result = plan({ ...KEYS, 'session-token': 'tok', 'role-arn': ROLE })
    expect(result).toMatchObject({
      source: 'role-chain',
      keys: { ...pick(KEYS), token: 'tok', source: 'inputs' },
      role: { roleArn: ROLE, durationSeconds: 3600 }
    })
  })

  it('role-arn with keys from the environment', () => {
    const env = { ...RUN_ENV, TENCENTCLOUD_SECRET_ID: 'AKIDenv', TENCENTCLOUD_SECRET_KEY: 'envkey' }
    expect(plan({ 'role-arn': ROLE }, env)).toMatchObject({
      source: 'role-chain',
      keys: { secretId: 'AKIDenv', secretKey: 'envkey', source: 'environment' }
    })
  })

  it.each<[string, CredentialInputs, string, RegExp]>([
    [
      'a provider without a role',
      { 'oidc-provider-id': 'github' },
      'oidc-provider-id',
      /needs role-arn/
    ],
    [
      'a role without keys or provider',
      { 'role-arn': ROLE },
      'role-arn',
      /set oidc-provider-id .* or secret-id and secret-key/
    ],
    [
      'keys with a provider',
      { ...KEYS, 'role-arn': ROLE, 'oidc-provider-id': 'g' },
      'secret-id',
      /does not go with oidc-provider-id/
    ],
    [
      'only secret-key with a provider',
      { 'secret-key': 'k', 'role-arn': ROLE, 'oidc-provider-id': 'g' },
      'secret-key',
      /does not go with oidc-provider-id/
    ],
    [
      'a session token with a provider',
      { 'session-token': 't', 'role-arn': ROLE, 'oidc-provider-id': 'g' },
      'session-token',
      /does not go with oidc-provider-id/
    ],
    [
      'an audience without a provider',
      { ...KEYS, 'role-arn': ROLE, 'oidc-audience': 'x' },
      'oidc-audience',
      /only goes with oidc-provider-id/
    ],
    [
      'role options without a role',
      { ...KEYS, 'role-duration-seconds': '900' },
      'role-duration-seconds',
      /only goes with role-arn/
    ],
    [
      'an STS endpoint without a role',
      { ...KEYS, 'sts-endpoint': 'http://127.0.0.1:1' },
      'sts-endpoint',
      /only goes with role-arn/
    ],
    [
      'an AWS ARN',
      { 'role-arn': 'arn:aws:iam::123:role/x', 'oidc-provider-id': 'g' },
      'role-arn',
      /not a CAM role ARN/
    ],
    [
      'an ARN without a uin',
      { 'role-arn': 'qcs::cam::uin/:roleName/x', 'oidc-provider-id': 'g' },
      'role-arn',
      /not a CAM role ARN/
    ],
    [
      'a session name with a space',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-session-name': 'a b' },
      'role-session-name',
      /2 to 128/
    ],
    [
      'a one-letter session name',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-session-name': 'a' },
      'role-session-name',
      /2 to 128/
    ],
    [
      'a 129-letter session name',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-session-name': 'a'.repeat(129) },
      'role-session-name',
      /2 to 128/
    ],
    [
      'a duration of zero',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-duration-seconds': '0' },
      'role-duration-seconds',
      /between 1 and 43200/
    ],
    [
      'a long duration',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-duration-seconds': '43201' },
      'role-duration-seconds',
      /between 1 and 43200/
    ],
    [
      'a fractional duration',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'role-duration-seconds': '1000.5' },
      'role-duration-seconds',
      /whole number/
    ],
    [
      'an STS endpoint with a path',
      { 'role-arn': ROLE, 'oidc-provider-id': 'g', 'sts-endpoint': 'https://sts.x.com/v1' },
      'sts-endpoint',
      /not a host/
    ]
  ])('refuses %s, naming the input', (_, raw, input, rule) => {
    const e = inputErrorOf(raw)
    expect(e.input).toBe(input)
    expect(e.message).toMatch(rule)
  })

  it('takes the role inputs as given', () => {
    const result = plan({
      'role-arn': 'qcs::cam::uin/100000000001:roleName/ci/bakers/image-baker',
      'oidc-provider-id': 'github',
      'oidc-audience': 'my-audience',
      'role-session-name': 'release@v1.2,x=y',
      'role-duration-seconds': '43200',
      'sts-endpoint': 'http://127.0.0.1:9000'
    })
    expect(result).toMatchObject({
      audience: 'my-audience',
      role: {
        roleArn: 'qcs::cam::uin/100000000001:roleName/ci/bakers/image-baker',
        sessionName: 'release@v1.2,x=y',
        durationSeconds: 43200,
        stsEndpoint: { host: '127.0.0.1:9000', protocol: 'http://' }
      }
    })
  })

  it('accepts a role given by id', () => {
    expect(
      plan({
        'role-arn': 'qcs::cam::uin/100000000001:role/4611686018427397919',
        'oidc-provider-id': 'g'
      }).source
    ).toBe('oidc')
  })

  it.each([
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRole/4611686018427397920',
    'qcs::cam::uin/100000000001:roleName/tencentcloudServiceRole/ci/image-baker',
    'qcs::cam::uin/100000000001:roleName/ci/bakers/image-baker'
  ])('accepts the role ARN form %s', roleArn => {
    expect(plan({ 'role-arn': roleArn, 'oidc-provider-id': 'g' })).toMatchObject({
      source: 'oidc',
      role: { roleArn }
    })
  })

  it.each([
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRole/',
    'qcs::cam::uin/100000000001:role/tencentcloudServiceRole',
    'qcs::cam::uin/100000000001:roleName/ci//image-baker',
    'qcs::cam::uin/100000000001:roleName/image-baker/',
    'qcs::cam::uin/100000000001:role/otherServiceRole/1'
  ])('refuses the malformed role ARN %s, naming role-arn', roleArn => {
    const e = inputErrorOf({ 'role-arn': roleArn, 'oidc-provider-id': 'g' })
    expect(e.input).toBe('role-arn')
    expect(e.message).toMatch(/not a CAM role ARN/)
  })

  it('takes sts-endpoint without role-arn when another input needs STS', () => {
    const raw = { ...KEYS, 'sts-endpoint': 'http://127.0.0.1:9000' }
    const needs = { input: 'copy-to-regions', given: true }
    expect(parseCredentialPlan(raw, RUN_ENV, 'ap-guangzhou', needs)).toEqual({
      ...pick(KEYS),
      source: 'inputs'
    })
    let refused: unknown
    try {
      parseCredentialPlan(raw, RUN_ENV, 'ap-guangzhou', { ...needs, given: false })
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(InputError)
    expect((refused as InputError).input).toBe('sts-endpoint')
    expect((refused as InputError).message).toMatch(/only goes with role-arn or copy-to-regions/)
    // Every other role input is still refused without a role.
    expect(() =>
      parseCredentialPlan({ ...KEYS, 'role-session-name': 'run-1' }, RUN_ENV, 'ap-guangzhou', needs)
    ).toThrow(/only goes with role-arn;/)
  })

  it('sends finance regions to their own STS domain', () => {
    const result = plan({ 'role-arn': ROLE, 'oidc-provider-id': 'g' }, RUN_ENV, 'ap-shanghai-fsi')
    expect(result).toMatchObject({
      role: {
        stsEndpoint: { host: 'sts.ap-shanghai-fsi.tencentcloudapi.com', protocol: 'https://' }
      }
    })
  })
})

describe('defaultSessionName', () => {
  it('is the repository, run id and attempt in the characters STS accepts', () => {
    expect(defaultSessionName(RUN_ENV)).toBe('octo-org-octo-repo-42-2')
    expect(defaultSessionName({ GITHUB_REPOSITORY: 'o/ré pö', GITHUB_RUN_ID: '7' })).toBe('o-r-p-7')
  })

  it('keeps the run id whole when the repository is long', () => {
    const name = defaultSessionName({
      GITHUB_REPOSITORY: `org/${'r'.repeat(200)}`,
      GITHUB_RUN_ID: '16588214931',
      GITHUB_RUN_ATTEMPT: '3'
    })
    expect(name).toHaveLength(128)
    expect(name).toMatch(/^org-r+-16588214931-3$/)
  })

  it('always gives a name STS accepts', () => {
    for (const env of [{}, { GITHUB_REPOSITORY: '/' }, { GITHUB_RUN_ID: '1' }]) {
      expect(defaultSessionName(env)).toMatch(/^[\w+=,.@-]{2,128}$/)
    }
  })
})

function pick(keys: typeof KEYS) {
  return { secretId: keys['secret-id'], secretKey: keys['secret-key'] }
}

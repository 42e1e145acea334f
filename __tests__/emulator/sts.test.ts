// STS: OIDC sign-in without keys, AssumeRole with keys, and the temporary keys on the CVM side.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'
import {
  cvmClient,
  emulator,
  expectCode,
  SEED,
  stsClient,
  TEST_CREDENTIALS,
  type ClientCredentials
} from './support.ts'

const ISSUER = 'https://token.actions.githubusercontent.com'
const AUDIENCE = 'sts.tencentcloudapi.com'
const PROVIDER_ID = 'github-actions'
const ROLE_ARN = `qcs::cam::uin/${SEED.accountId}:roleName/image-builder`
const SUBJECT = 'repo:acme/app:ref:refs/heads/main'

let privateKey: KeyObject
let strangerKey: KeyObject
let publicKeyPem: string
let emu: Emulator
let clockOffsetMs = 0

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  privateKey = pair.privateKey
  publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
})
afterEach(async () => {
  clockOffsetMs = 0
  await emu?.close()
})

function jwt(claims: Record<string, unknown> = {}, key: KeyObject = privateKey): string {
  const now = Math.floor(Date.now() / 1000)
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = encode({ alg: 'RS256', typ: 'JWT', kid: 'test' })
  const payload = encode({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: SUBJECT,
    iat: now,
    nbf: now,
    exp: now + 300,
    ...claims
  })
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key)
  return `${header}.${payload}.${signature.toString('base64url')}`
}

function stsEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return emulator({
    ...options,
    now: () => Date.now() + clockOffsetMs,
    sts: {
      providers: [{ providerId: PROVIDER_ID, issuer: ISSUER, clientIds: [AUDIENCE], publicKeyPem }],
      roles: [
        { roleArn: ROLE_ARN, providerId: PROVIDER_ID, subject: /^repo:acme\/app:/ },
        {
          roleArn: `qcs::cam::uin/${SEED.accountId}:roleName/ops`,
          allowSecretIds: [TEST_CREDENTIALS.secretId]
        }
      ],
      ...options.sts
    }
  })
}

interface IssuedCredentials {
  Credentials: { Token: string; TmpSecretId: string; TmpSecretKey: string }
  ExpiredTime: number
  Expiration: string
}

function assumeWithWebIdentity(params: Record<string, unknown> = {}): Promise<IssuedCredentials> {
  return stsClient(emu).request(
    'AssumeRoleWithWebIdentity',
    {
      ProviderId: PROVIDER_ID,
      WebIdentityToken: jwt(),
      RoleArn: ROLE_ARN,
      RoleSessionName: 'github-run-42',
      ...params
    },
    { skipSign: true }
  ) as Promise<IssuedCredentials>
}

function temporary(issued: IssuedCredentials, token?: string): ClientCredentials {
  return {
    secretId: issued.Credentials.TmpSecretId,
    secretKey: issued.Credentials.TmpSecretKey,
    token
  }
}

describe('AssumeRoleWithWebIdentity', () => {
  it('trades a valid token for temporary keys that work on CVM with their token only', async () => {
    emu = await stsEmulator()
    const issued = await assumeWithWebIdentity({ DurationSeconds: 3600 })
    expect(issued.Credentials.TmpSecretId).toMatch(/^AKID/)
    expect(issued.ExpiredTime).toBeGreaterThan(Date.now() / 1000 + 3500)
    expect(new Date(issued.Expiration).getTime()).toBe(issued.ExpiredTime * 1000)
    expect(emu.calls[0]).toMatchObject({ service: 'sts', signed: false, outcome: 'ok' })

    const withToken = cvmClient(emu, temporary(issued, issued.Credentials.Token))
    await expect(withToken.DescribeImageQuota()).resolves.toBeDefined()
    const { ImageId } = await withToken.CreateImage({
      ImageName: 'oidc-made',
      InstanceId: SEED.instances.running
    })
    expect(emu.state.getImage(ImageId!)?.ownerAccountId).toBe(SEED.accountId)
    await expectCode(
      cvmClient(emu, temporary(issued)).DescribeImageQuota(),
      'AuthFailure.TokenFailure'
    )
    await expectCode(
      cvmClient(emu, temporary(issued, 'wrong-token')).DescribeImageQuota(),
      'AuthFailure.TokenFailure'
    )
  })

  it('issues keys that stop working when they expire', async () => {
    emu = await stsEmulator({ sts: { issuedDurationSeconds: 60 } })
    const issued = await assumeWithWebIdentity()
    expect(issued.ExpiredTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60)
    const client = cvmClient(emu, temporary(issued, issued.Credentials.Token))
    await expect(client.DescribeImageQuota()).resolves.toBeDefined()
    clockOffsetMs = 61_000
    const error = await expectCode(client.DescribeImageQuota(), 'AuthFailure.TokenFailure')
    expect(error.message).toMatch(/expired/)
  })

  it.each<[string, () => Record<string, unknown>, string]>([
    [
      'a wrong audience',
      () => ({ WebIdentityToken: jwt({ aud: 'someone-else' }) }),
      'InvalidParameter.WebIdentityTokenError'
    ],
    [
      'a wrong issuer',
      () => ({ WebIdentityToken: jwt({ iss: 'https://evil.example' }) }),
      'InvalidParameter.WebIdentityTokenError'
    ],
    [
      'an expired token',
      () => ({ WebIdentityToken: jwt({ exp: Math.floor(Date.now() / 1000) - 600 }) }),
      'InvalidParameter.WebIdentityTokenError'
    ],
    [
      'a token signed by another key',
      () => ({ WebIdentityToken: jwt({}, strangerKey) }),
      'InvalidParameter.WebIdentityTokenError'
    ],
    [
      'a token that is not a JWT',
      () => ({ WebIdentityToken: 'not-a-jwt' }),
      'InvalidParameter.WebIdentityTokenError'
    ],
    [
      'a subject the role does not trust',
      () => ({ WebIdentityToken: jwt({ sub: 'repo:evil/app:ref:refs/heads/main' }) }),
      'UnauthorizedOperation'
    ],
    [
      'an unknown role',
      () => ({ RoleArn: `qcs::cam::uin/${SEED.accountId}:roleName/nope` }),
      // RoleNotFound is AssumeRole's code only.
      'InternalError.GetRoleError'
    ],
    ['an unknown provider', () => ({ ProviderId: 'gitlab' }), 'InvalidParameter.ParamError'],
    ['a bad session name', () => ({ RoleSessionName: 'has space' }), 'InvalidParameter.ParamError'],
    // STS documents a maximum and no minimum.
    ['a too long duration', () => ({ DurationSeconds: 43201 }), 'InvalidParameter.ParamError'],
    ['a missing token', () => ({ WebIdentityToken: undefined }), 'MissingParameter']
  ])('refuses %s', async (_, params, code) => {
    emu = await stsEmulator()
    await expectCode(assumeWithWebIdentity(params()), code)
  })

  it('refuses a provider the role does not trust', async () => {
    emu = await stsEmulator({
      sts: {
        providers: [
          { providerId: PROVIDER_ID, issuer: ISSUER, clientIds: [AUDIENCE], publicKeyPem },
          { providerId: 'other', issuer: ISSUER, clientIds: [AUDIENCE], publicKeyPem }
        ],
        roles: [{ roleArn: ROLE_ARN, providerId: PROVIDER_ID }]
      }
    })
    await expectCode(assumeWithWebIdentity({ ProviderId: 'other' }), 'UnauthorizedOperation')
  })
})

describe('AssumeRole', () => {
  it('issues temporary keys to an allowed long-term key', async () => {
    emu = await stsEmulator()
    const issued = (await stsClient(emu).request('AssumeRole', {
      RoleArn: `qcs::cam::uin/${SEED.accountId}:roleName/ops`,
      RoleSessionName: 'ops-session'
    })) as IssuedCredentials
    expect(emu.calls[0]).toMatchObject({ action: 'AssumeRole', signed: true, outcome: 'ok' })
    await expect(
      cvmClient(emu, temporary(issued, issued.Credentials.Token)).DescribeImageQuota()
    ).resolves.toBeDefined()
  })

  it('lists the temporary keys it issued, so tests can check none leaks', async () => {
    emu = await stsEmulator()
    const first = (await stsClient(emu).request('AssumeRole', {
      RoleArn: `qcs::cam::uin/${SEED.accountId}:roleName/ops`,
      RoleSessionName: 'ops-session'
    })) as IssuedCredentials
    const second = await assumeWithWebIdentity()
    expect(emu.issuedCredentials().map(c => [c.secretId, c.secretKey, c.token])).toEqual([
      [first.Credentials.TmpSecretId, first.Credentials.TmpSecretKey, first.Credentials.Token],
      [second.Credentials.TmpSecretId, second.Credentials.TmpSecretKey, second.Credentials.Token]
    ])
    expect(Math.floor(emu.issuedCredentials()[1]!.expiresAtMs / 1000)).toBe(second.ExpiredTime)
  })

  it('refuses a key the role does not allow, and unsigned calls', async () => {
    const other = { secretId: 'AKIDother00000000000000000000000000003', secretKey: 'p'.repeat(32) }
    emu = await stsEmulator({ credentials: [other] })
    const params = {
      RoleArn: `qcs::cam::uin/${SEED.accountId}:roleName/ops`,
      RoleSessionName: 'x1'
    }
    await expectCode(stsClient(emu, other).request('AssumeRole', params), 'UnauthorizedOperation')
    await expectCode(
      stsClient(emu).request('AssumeRole', params, { skipSign: true }),
      'AuthFailure.InvalidAuthorization'
    )
  })

  it('counts temporary keys against the same account rate limit', async () => {
    emu = await stsEmulator({ rateLimits: { DescribeImageQuota: 1 } })
    const issued = await assumeWithWebIdentity()
    await cvmClient(emu).DescribeImageQuota()
    await expectCode(
      cvmClient(emu, temporary(issued, issued.Credentials.Token)).DescribeImageQuota(),
      'RequestLimitExceeded'
    )
  })
})

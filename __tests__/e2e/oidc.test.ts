// Keyless sign-in through dist/index.js: the harness's fake GitHub token endpoint, the emulator's
// STS, and CVM calls signed with the role's temporary keys.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'
import { startOidcServer, type OidcServer, type OidcServerOptions } from '../../harness/oidc.ts'
import type { ActionRun } from '../../harness/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  baseInputs,
  calls,
  emulator,
  errorAnnotations,
  expectNoSecrets,
  runImageAction
} from './support.ts'

const PROVIDER_ID = 'github-actions'
const AUDIENCE = 'sts.tencentcloudapi.com'
const ROLE_ARN = `qcs::cam::uin/${SEED.accountId}:roleName/image-baker`
const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'

let emu: Emulator | undefined
let oidc: OidcServer | undefined

afterEach(async () => {
  await emu?.close()
  await oidc?.close()
  emu = undefined
  oidc = undefined
})

async function start(
  options: {
    oidc?: OidcServerOptions
    emulator?: EmulatorOptions
    subject?: string
    clientIds?: string[]
  } = {}
): Promise<{ emu: Emulator; oidc: OidcServer }> {
  oidc = await startOidcServer(options.oidc)
  emu = await emulator({
    ...options.emulator,
    sts: {
      providers: [
        {
          providerId: PROVIDER_ID,
          issuer: oidc.issuer,
          clientIds: options.clientIds ?? [AUDIENCE],
          publicKeyPem: oidc.publicKeyPem
        }
      ],
      roles: [{ roleArn: ROLE_ARN, providerId: PROVIDER_ID, subject: options.subject ?? SUBJECT }],
      ...options.emulator?.sts
    }
  })
  return { emu, oidc }
}

/** Keyless inputs: no secret-id or secret-key at all. */
function oidcInputs(e: Emulator, name = 'app-oidc'): Record<string, string> {
  const inputs = baseInputs(e, name)
  delete inputs['secret-id']
  delete inputs['secret-key']
  return {
    ...inputs,
    'role-arn': ROLE_ARN,
    'oidc-provider-id': PROVIDER_ID,
    'sts-endpoint': e.url
  }
}

/** Every ID token and temporary key of the run: none may be visible, each must be masked. */
function secretsOf(e: Emulator, o: OidcServer): string[] {
  return [
    ...o.issued.map(t => t.token),
    ...e.issuedCredentials().flatMap(c => [c.secretId, c.secretKey, c.token])
  ]
}

function failure(run: ActionRun) {
  expect(run.exitCode).toBe(1)
  const [annotation] = errorAnnotations(run)
  expect(annotation).toBeDefined()
  return annotation!
}

describe('keyless sign-in with GitHub OIDC', () => {
  it('trades the ID token at STS unsigned and signs every CVM call with the role keys', async () => {
    const { emu, oidc } = await start()
    const run = await runImageAction(oidcInputs(emu), { env: oidc.env() })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-state']).toBe('NORMAL')

    const [assume, ...more] = calls(emu, 'AssumeRoleWithWebIdentity')
    expect(more).toHaveLength(0)
    expect(assume).toMatchObject({ service: 'sts', signed: false, outcome: 'ok' })
    expect(assume!.params).toMatchObject({
      ProviderId: PROVIDER_ID,
      RoleArn: ROLE_ARN,
      RoleSessionName: 'octo-org-octo-repo-1658821493-1',
      DurationSeconds: 3600
    })
    expect(oidc.issued.map(t => t.audience)).toEqual([AUDIENCE])
    expect(assume!.params['WebIdentityToken']).toBe(oidc.issued[0]!.token)

    const [issued] = emu.issuedCredentials()
    const cvmCalls = calls(emu).filter(c => c.service === 'cvm')
    expect(cvmCalls.length).toBeGreaterThanOrEqual(2)
    for (const call of cvmCalls) {
      expect(call).toMatchObject({ signed: true, outcome: 'ok', secretId: issued!.secretId })
      expect(call.token).toBe(issued!.token)
    }
    expect(run.stdout).toContain(
      `Assumed role ${ROLE_ARN} as session octo-org-octo-repo-1658821493-1`
    )
    expectNoSecrets(run, secretsOf(emu, oidc))
  })

  it('takes the audience, session name and duration from the inputs', async () => {
    const { emu, oidc } = await start({ clientIds: ['my-audience'] })
    const run = await runImageAction(
      {
        ...oidcInputs(emu),
        'oidc-audience': 'my-audience',
        'role-session-name': 'release@v1.2',
        'role-duration-seconds': '7200'
      },
      { env: oidc.env() }
    )
    expect(run.exitCode).toBe(0)
    expect(oidc.issued.map(t => t.audience)).toEqual(['my-audience'])
    expect(calls(emu, 'AssumeRoleWithWebIdentity')[0]!.params).toMatchObject({
      RoleSessionName: 'release@v1.2',
      DurationSeconds: 7200
    })
    expectNoSecrets(run, secretsOf(emu, oidc))
  })

  it('renews the keys before they expire during a long wait', async () => {
    // Keys that live 2 s against an image that takes 3.5 s: without renewal a poll would fail
    // with AuthFailure.TokenFailure.
    const { emu, oidc } = await start({
      emulator: { createMs: 3500, sts: { issuedDurationSeconds: 2 } }
    })
    const run = await runImageAction(oidcInputs(emu), { env: oidc.env() })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-state']).toBe('NORMAL')

    const assumes = calls(emu, 'AssumeRoleWithWebIdentity')
    expect(assumes.length).toBeGreaterThanOrEqual(2)
    expect(assumes.every(c => c.outcome === 'ok')).toBe(true)
    // A fresh ID token for every renewal.
    expect(oidc.issued).toHaveLength(assumes.length)
    expect(new Set(oidc.issued.map(t => t.token)).size).toBe(assumes.length)

    const cvmCalls = calls(emu).filter(c => c.service === 'cvm')
    expect(cvmCalls.every(c => c.outcome === 'ok')).toBe(true)
    expect(new Set(cvmCalls.map(c => c.secretId)).size).toBeGreaterThanOrEqual(2)
    // Each CVM call used keys that were still valid when it arrived.
    const expiry = new Map(emu.issuedCredentials().map(c => [c.secretId, c.expiresAtMs]))
    for (const call of cvmCalls) expect(call.time).toBeLessThan(expiry.get(call.secretId!)!)
    expect(run.stdout).toContain(`Renewed the keys of role ${ROLE_ARN}`)
    expectNoSecrets(run, secretsOf(emu, oidc))
  })
})

describe('keyless sign-in failures are explained', () => {
  it('without id-token: write, before any call', async () => {
    const { emu, oidc } = await start()
    const run = await runImageAction(oidcInputs(emu))
    const annotation = failure(run)
    expect(annotation.title).toBe('No GitHub ID token')
    expect(annotation.message).toMatch(/permissions: id-token: write/)
    expect(annotation.message).toMatch(/forks never get a token/)
    expect(emu.calls).toHaveLength(0)
    expect(oidc.requests).toBe(0)
  })

  it('an audience the identity provider does not list', async () => {
    const { emu, oidc } = await start()
    const run = await runImageAction(
      { ...oidcInputs(emu), 'oidc-audience': 'https://github.com/octo-org' },
      { env: oidc.env() }
    )
    const annotation = failure(run)
    expect(annotation.title).toBe(
      'AssumeRoleWithWebIdentity failed: InvalidParameter.WebIdentityTokenError'
    )
    expect(annotation.message).toMatch(/client ids/)
    expect(annotation.message).toContain(`aud 'https://github.com/octo-org'`)
    expect(annotation.message).toContain(`sub '${SUBJECT}'`)
    expect(annotation.message).toContain(calls(emu)[0]!.requestId)
    expect(calls(emu).filter(c => c.service === 'cvm')).toHaveLength(0)
    expectNoSecrets(run, secretsOf(emu, oidc))
  })

  it('a sub condition that does not match this repository and branch', async () => {
    const { emu, oidc } = await start({
      oidc: { ref: 'refs/heads/feature' }
    })
    const run = await runImageAction(oidcInputs(emu), { env: oidc.env() })
    const annotation = failure(run)
    expect(annotation.title).toBe('AssumeRoleWithWebIdentity failed: UnauthorizedOperation')
    expect(annotation.message).toMatch(/oidc:sub condition/)
    expect(annotation.message).toContain(`sub 'repo:octo-org/octo-repo:ref:refs/heads/feature'`)
    expect(calls(emu)).toHaveLength(1)
    expectNoSecrets(run, secretsOf(emu, oidc))
  })

  it('a wrong provider id', async () => {
    const { emu, oidc } = await start()
    const run = await runImageAction(
      { ...oidcInputs(emu), 'oidc-provider-id': 'gitlab' },
      { env: oidc.env() }
    )
    const annotation = failure(run)
    expect(annotation.title).toBe('AssumeRoleWithWebIdentity failed: InvalidParameter.ParamError')
    expect(annotation.message).toMatch(/oidc-provider-id names no identity provider/)
    expectNoSecrets(run, secretsOf(emu, oidc))
  })

  it('a role that does not exist: GetRoleError, explained, not retried', async () => {
    const { emu, oidc } = await start()
    const run = await runImageAction(
      { ...oidcInputs(emu), 'role-arn': `qcs::cam::uin/${SEED.accountId}:roleName/nope` },
      { env: oidc.env() }
    )
    const annotation = failure(run)
    expect(annotation.title).toBe('AssumeRoleWithWebIdentity failed: InternalError.GetRoleError')
    expect(annotation.message).toMatch(/Check role-arn/)
    expect(annotation.message).toMatch(/does not trust the identity provider/)
    expect(annotation.message).not.toMatch(/Tencent Cloud had an internal error/)
    expect(emu.calls.filter(c => c.action === 'AssumeRoleWithWebIdentity')).toHaveLength(1)
  })

  it('takes a 128-character session name, as STS does', async () => {
    const { emu, oidc } = await start()
    const name = 'n'.repeat(128)
    const run = await runImageAction(
      { ...oidcInputs(emu), 'role-session-name': name },
      { env: oidc.env() }
    )
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'AssumeRoleWithWebIdentity')[0]!.params.RoleSessionName).toBe(name)
  })

  it('retries STS throttling (InvalidParameter.OverLimit) and signs in', async () => {
    const { emu, oidc } = await start()
    emu.faults.add({ action: 'AssumeRoleWithWebIdentity', code: 'InvalidParameter.OverLimit' })
    const run = await runImageAction(oidcInputs(emu), { env: oidc.env() })
    expect(run.exitCode).toBe(0)
    expect(
      emu.calls.filter(c => c.action === 'AssumeRoleWithWebIdentity').map(c => c.code ?? 'ok')
    ).toEqual(['InvalidParameter.OverLimit', 'ok'])
  })

  it('a stale signing key: the advice names it', async () => {
    const { emu, oidc } = await start()
    emu.faults.add({
      action: 'AssumeRoleWithWebIdentity',
      code: 'InvalidParameter.WebIdentityTokenError',
      message: 'token signature invalid'
    })
    const run = await runImageAction(oidcInputs(emu), { env: oidc.env() })
    const annotation = failure(run)
    expect(annotation.message).toMatch(/signing key is stale/)
    expect(annotation.message).toMatch(/AutoRotateKey/)
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ['a provider without a role', { 'role-arn': '' }, /'oidc-provider-id': needs role-arn/],
    [
      'keys together with a provider',
      {
        'secret-id': TEST_CREDENTIALS.secretId,
        'secret-key': TEST_CREDENTIALS.secretKey
      },
      /'secret-id': does not go with oidc-provider-id/
    ],
    [
      'a malformed role ARN',
      { 'role-arn': 'arn:aws:iam::1:role/x' },
      /'role-arn': .* CAM role ARN/
    ],
    [
      'a session name STS refuses',
      { 'role-session-name': 'has space' },
      /'role-session-name': 'has space' must be 2 to 128/
    ],
    [
      'a duration out of range',
      { 'role-duration-seconds': '43201' },
      /'role-duration-seconds': must be between 1 and 43200/
    ]
  ])('%s fails before any call, naming the input', async (_, overrides, message) => {
    const { emu, oidc } = await start()
    const run = await runImageAction({ ...oidcInputs(emu), ...overrides }, { env: oidc.env() })
    const annotation = failure(run)
    expect(annotation.title).toBe('Invalid input')
    expect(annotation.message).toMatch(message)
    expect(emu.calls).toHaveLength(0)
    expect(oidc.requests).toBe(0)
  })
})

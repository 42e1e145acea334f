// Role chaining through dist/index.js: long-term keys assume a role with a signed STS AssumeRole,
// and the role's temporary keys (renewed when they run short) make the image.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
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

// A role name with a path, as CAM allows.
const ROLE_ARN = `qcs::cam::uin/${SEED.accountId}:roleName/ci/image-baker`
let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

function chainInputs(e: Emulator): Record<string, string> {
  return {
    ...baseInputs(e, 'app-chained'),
    'role-arn': ROLE_ARN,
    'role-session-name': 'release-42',
    'sts-endpoint': e.url
  }
}

function secretsOf(e: Emulator): string[] {
  return [
    TEST_CREDENTIALS.secretId,
    TEST_CREDENTIALS.secretKey,
    ...e.issuedCredentials().flatMap(c => [c.secretId, c.secretKey, c.token])
  ]
}

describe('role chaining with keys', () => {
  it('assumes the role with signed AssumeRole calls and renews its keys during a long wait', async () => {
    emu = await emulator({
      createMs: 3000,
      sts: {
        roles: [{ roleArn: ROLE_ARN, allowSecretIds: [TEST_CREDENTIALS.secretId] }],
        issuedDurationSeconds: 2
      }
    })
    const run = await runImageAction(chainInputs(emu))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['image-state']).toBe('NORMAL')

    const assumes = calls(emu, 'AssumeRole')
    expect(assumes.length).toBeGreaterThanOrEqual(2)
    for (const call of assumes) {
      expect(call).toMatchObject({
        signed: true,
        outcome: 'ok',
        secretId: TEST_CREDENTIALS.secretId
      })
      expect(call.params).toEqual({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'release-42',
        DurationSeconds: 3600
      })
    }
    const temporary = new Set(emu.issuedCredentials().map(c => c.secretId))
    const cvmCalls = calls(emu).filter(c => c.service === 'cvm')
    expect(cvmCalls.every(c => c.outcome === 'ok' && temporary.has(c.secretId!))).toBe(true)
    expect(new Set(cvmCalls.map(c => c.secretId)).size).toBeGreaterThanOrEqual(2)
    expect(run.stdout).toContain(
      `Assumed role ${ROLE_ARN} as session release-42 with the keys from inputs`
    )
    expectNoSecrets(run, secretsOf(emu))
  })

  it.each([
    `qcs::cam::uin/${SEED.accountId}:role/tencentcloudServiceRole/4611686018427397920`,
    `qcs::cam::uin/${SEED.accountId}:roleName/tencentcloudServiceRole/ci/image-baker`
  ])('assumes a service role given as %s', async roleArn => {
    emu = await emulator({ sts: { roles: [{ roleArn }] } })
    const run = await runImageAction({ ...chainInputs(emu), 'role-arn': roleArn })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'AssumeRole').map(c => c.params.RoleArn)).toEqual([roleArn])
  })

  it('explains keys that may not assume the role', async () => {
    emu = await emulator({
      sts: {
        roles: [{ roleArn: ROLE_ARN, allowSecretIds: ['AKIDsomeoneelse000000000000000000001'] }]
      }
    })
    const run = await runImageAction(chainInputs(emu))
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('AssumeRole failed: UnauthorizedOperation')
    expect(annotation!.message).toMatch(/these keys may not assume the role/i)
    expect(annotation!.message).toContain(`RequestId: ${calls(emu)[0]!.requestId}`)
    expect(calls(emu)).toHaveLength(1)
    expectNoSecrets(run, secretsOf(emu))
  })

  it('says which inputs go together for a role without keys or provider', async () => {
    emu = await emulator()
    const inputs = chainInputs(emu)
    delete inputs['secret-id']
    delete inputs['secret-key']
    const run = await runImageAction(inputs)
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Invalid input')
    expect(annotation!.message).toMatch(
      /'role-arn': needs a way to assume the role: set oidc-provider-id .* or secret-id and secret-key/
    )
    expect(emu.calls).toHaveLength(0)
  })
})

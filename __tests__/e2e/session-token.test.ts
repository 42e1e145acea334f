import { afterEach, describe, expect, it } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
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

interface Issued {
  Credentials: { TmpSecretId: string; TmpSecretKey: string; Token: string }
}

const roleArn = `qcs::cam::uin/${SEED.accountId}:roleName/baker`
let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

/** Temporary keys from the emulator's STS, as a workflow would get them from another step. */
async function temporaryKeys(): Promise<Issued['Credentials']> {
  const sts = new CommonClient(emu.endpoint, '2018-08-13', {
    credential: TEST_CREDENTIALS,
    region: SEED.region,
    profile: { httpProfile: { endpoint: emu.endpoint, protocol: 'http://' } }
  })
  const issued = (await sts.request('AssumeRole', {
    RoleArn: roleArn,
    RoleSessionName: 'e2e'
  })) as Issued
  return issued.Credentials
}

describe('temporary credentials with session-token', () => {
  it('signs with the temporary keys and sends the token', async () => {
    emu = await emulator({ sts: { roles: [{ roleArn }] } })
    const keys = await temporaryKeys()
    const run = await runImageAction({
      ...baseInputs(emu),
      'secret-id': keys.TmpSecretId,
      'secret-key': keys.TmpSecretKey,
      'session-token': keys.Token
    })
    expect(run.exitCode).toBe(0)
    const cvmCalls = calls(emu).filter(c => c.service === 'cvm')
    expect(cvmCalls.length).toBeGreaterThanOrEqual(2)
    expect(cvmCalls.every(c => c.secretId === keys.TmpSecretId && c.token === keys.Token)).toBe(
      true
    )
    expectNoSecrets(run, [keys.TmpSecretId, keys.TmpSecretKey, keys.Token])
  })

  it('explains a missing token', async () => {
    emu = await emulator({ sts: { roles: [{ roleArn }] } })
    const keys = await temporaryKeys()
    const run = await runImageAction({
      ...baseInputs(emu),
      'secret-id': keys.TmpSecretId,
      'secret-key': keys.TmpSecretKey
    })
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toMatch(/AuthFailure\.TokenFailure.*session-token/)
    expectNoSecrets(run, [keys.TmpSecretId, keys.TmpSecretKey])
  })
})

// Authentication as the real gateway does it, with the real SDK signing.
import { afterEach, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import signModule from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js'
import type { Emulator } from '../../emulator/index.ts'
import { cvmClient, emulator, expectCode, SEED, TEST_CREDENTIALS, UUID_PATTERN } from './support.ts'

interface Sign3Args {
  method: string
  url: string
  payload: unknown
  timestamp: number
  service: string
  secretId: string
  secretKey: string
  multipart: boolean
  headers: Record<string, string>
}
const { sign3 } = (signModule as unknown as { default: { sign3: (args: Sign3Args) => string } })
  .default

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

/** Signs `signedBody` with the SDK's own signer, then sends `sentBody` instead. */
function rawCall(
  signedBody: string,
  sentBody: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; json: { Response: Record<string, unknown> } }> {
  const timestamp = Math.floor(Date.now() / 1000)
  const base: Record<string, string> = {
    'Content-Type': 'application/json',
    Host: emu.endpoint,
    'X-TC-Action': 'DescribeImageQuota',
    'X-TC-Region': SEED.region,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': '2017-03-12'
  }
  const authorization = sign3({
    method: 'POST',
    url: `${emu.url}/`,
    payload: JSON.parse(signedBody),
    timestamp,
    service: '127',
    secretId: TEST_CREDENTIALS.secretId,
    secretKey: TEST_CREDENTIALS.secretKey,
    multipart: false,
    headers: base
  })
  const all = { ...base, Authorization: authorization, ...headers }
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}/`, { method: 'POST', headers: all }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) })
      )
    })
    req.on('error', reject)
    req.end(sentBody)
  })
}

describe('TC3-HMAC-SHA256', () => {
  it('accepts a call the SDK signed, answering with a UUID RequestId', async () => {
    emu = await emulator()
    const answer = await cvmClient(emu).DescribeImageQuota()
    expect(answer).toEqual({ ImageNumQuota: 500, RequestId: expect.stringMatching(UUID_PATTERN) })
    expect(emu.calls[0]).toMatchObject({
      service: 'cvm',
      action: 'DescribeImageQuota',
      region: SEED.region,
      version: '2017-03-12',
      secretId: TEST_CREDENTIALS.secretId,
      signed: true,
      outcome: 'ok',
      httpStatus: 200,
      requestId: answer.RequestId
    })
  })

  it('refuses a wrong secret key', async () => {
    emu = await emulator()
    const client = cvmClient(emu, { ...TEST_CREDENTIALS, secretKey: 'x'.repeat(32) })
    const error = await expectCode(client.DescribeImageQuota(), 'AuthFailure.SignatureFailure')
    expect(error.requestId).toMatch(UUID_PATTERN)
    expect(emu.calls[0]).toMatchObject({ outcome: 'error', code: 'AuthFailure.SignatureFailure' })
  })

  it('refuses an unknown SecretId', async () => {
    emu = await emulator()
    const client = cvmClient(emu, {
      secretId: 'AKIDunknown000000000000000000000001',
      secretKey: 'k'
    })
    await expectCode(client.DescribeImageQuota(), 'AuthFailure.SecretIdNotFound')
  })

  it('accepts extra keys, and only those with replaceCredentials', async () => {
    const extra = { secretId: 'AKIDextra0000000000000000000000000002', secretKey: 'e'.repeat(32) }
    emu = await emulator({ credentials: [extra], replaceCredentials: true })
    await expect(cvmClient(emu, extra).DescribeImageQuota()).resolves.toBeDefined()
    await expectCode(cvmClient(emu).DescribeImageQuota(), 'AuthFailure.SecretIdNotFound')
  })

  it('refuses a body changed after signing, and accepts the same request unchanged', async () => {
    emu = await emulator()
    const intact = await rawCall('{}', '{}')
    expect(intact.json.Response.ImageNumQuota).toBe(500)
    const tampered = await rawCall('{}', '{"Limit":1}')
    expect(tampered.status).toBe(200)
    expect(tampered.json.Response.Error).toEqual({
      Code: 'AuthFailure.SignatureFailure',
      Message: expect.any(String)
    })
    expect(tampered.json.Response.RequestId).toMatch(UUID_PATTERN)
  })

  it('refuses a signed header changed after signing', async () => {
    emu = await emulator()
    const answer = await rawCall('{}', '{}', { 'Content-Type': 'application/json; charset=utf-8' })
    expect(answer.json.Response.Error).toMatchObject({ Code: 'AuthFailure.SignatureFailure' })
  })

  it('refuses a timestamp more than 5 minutes from the server clock', async () => {
    emu = await emulator({ now: () => Date.now() + 6 * 60_000 })
    await expectCode(cvmClient(emu).DescribeImageQuota(), 'AuthFailure.SignatureExpire')
    await emu.close()
    emu = await emulator({ now: () => Date.now() + 4 * 60_000 })
    await expect(cvmClient(emu).DescribeImageQuota()).resolves.toBeDefined()
  })

  it('refuses a missing or garbled Authorization', async () => {
    emu = await emulator()
    for (const header of ['', 'SKIP', 'TC3-HMAC-SHA256 Credential=broken']) {
      const answer = await rawCall('{}', '{}', { Authorization: header })
      expect(answer.json.Response.Error).toMatchObject({ Code: 'AuthFailure.InvalidAuthorization' })
    }
  })
})

describe('routing', () => {
  it('answers InvalidAction, NoSuchVersion, MissingParameter and UnsupportedRegion', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    await expectCode(client.request('RebootEverything', {}), 'InvalidAction')
    const wrongVersion = await rawCall('{}', '{}', { 'X-TC-Version': '2099-01-01' })
    expect(wrongVersion.json.Response.Error).toMatchObject({ Code: 'NoSuchVersion' })
    await expectCode(cvmClient(emu, TEST_CREDENTIALS, '').DescribeImageQuota(), 'MissingParameter')
    await expectCode(
      cvmClient(emu, TEST_CREDENTIALS, 'mars-north-1').DescribeImageQuota(),
      'UnsupportedRegion'
    )
  })

  it('refuses parameters the action does not have', async () => {
    emu = await emulator()
    const call = cvmClient(emu).request('CreateImage', {
      ImageName: 'x',
      InstanceId: SEED.instances.running,
      Reboot: true
    })
    const error = await expectCode(call, 'UnknownParameter')
    expect(error.message).toContain('Reboot')
  })
})

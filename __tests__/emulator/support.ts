// The real SDK as the emulator's client, the way the action reaches a local server.
import { expect } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import { cvm } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/index.js'
import { SEED, startEmulator, TEST_CREDENTIALS } from '../../emulator/index.ts'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'

export { SEED, TEST_CREDENTIALS }
export type CvmClient = InstanceType<typeof cvm.v20170312.Client>

export interface ClientCredentials {
  secretId: string
  secretKey: string
  token?: string
}

export function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ createMs: 200, syncMs: 300, ...options })
}

export function cvmClient(
  emu: Emulator,
  credential: ClientCredentials = TEST_CREDENTIALS,
  region: string = SEED.region
): CvmClient {
  return new cvm.v20170312.Client({
    credential,
    region,
    profile: { httpProfile: { endpoint: emu.endpoint, protocol: 'http://', reqTimeout: 5 } }
  })
}

export function stsClient(
  emu: Emulator,
  credential: ClientCredentials = TEST_CREDENTIALS,
  region: string = SEED.region
): CommonClient {
  return new CommonClient(emu.endpoint, '2018-08-13', {
    credential,
    region,
    profile: { httpProfile: { endpoint: emu.endpoint, protocol: 'http://', reqTimeout: 5 } }
  })
}

/** The SDK's exception for a failed call: `code` for API errors, `httpCode` for non-200. */
export interface SdkError {
  message: string
  code?: string
  httpCode?: number
  requestId?: string
}

export async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail, but it succeeded')
}

export async function expectCode(call: Promise<unknown>, code: string): Promise<SdkError> {
  const error = await failure(call)
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message: expect.any(String)
  })
  return error
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Polls until the image reaches `state` (or the deadline passes) and returns it as the API shows it. */
export async function waitForState(
  client: CvmClient,
  imageId: string,
  state: string,
  timeoutMs = 5000
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { ImageSet } = await client.DescribeImages({ ImageIds: [imageId] })
    const image = ImageSet?.[0] as Record<string, unknown> | undefined
    if (image?.ImageState === state) return image
    if (Date.now() > deadline) {
      throw new Error(`${imageId} is ${String(image?.ImageState)}, not ${state}`)
    }
    await sleep(50)
  }
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

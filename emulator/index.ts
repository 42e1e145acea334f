// The Tencent Cloud API emulator: a real HTTP server speaking CVM 2017-03-12 and STS 2018-08-13,
// checking TC3-HMAC-SHA256 signatures, for end-to-end tests, the demo and benchmarks.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { KeyStore, type TemporaryCredentials } from './credentials.ts'
import { Dispatcher } from './dispatch.ts'
import { Faults } from './faults.ts'
import { RateLimiter } from './rate-limit.ts'
import { SEED, seedState, TEST_CREDENTIALS } from './seed.ts'
import { createRequestHandler } from './server.ts'
import { EmulatorState } from './state.ts'
import type { EmulatorOptions, RecordedCall } from './types.ts'

export { SEED, TEST_CREDENTIALS } from './seed.ts'
export { LAUNCH_SEED } from './seed-launch.ts'
export { EmulatorState, toApiImage, PUBLIC_IMAGE_OWNER, type NewImage } from './state.ts'
export { Faults } from './faults.ts'
export { DOCUMENTED_RATE_LIMITS, DEFAULT_RATE_LIMIT } from './rate-limit.ts'
export type * from './types.ts'

export const DEFAULT_CREATE_MS = 1500
export const DEFAULT_SYNC_MS = 1500
export const DEFAULT_IMAGE_QUOTA = 500

export interface Emulator {
  /** e.g. 'http://127.0.0.1:54321' */
  url: string
  /** host:port, what the SDK's httpProfile.endpoint wants (with protocol 'http://'). */
  endpoint: string
  port: number
  state: EmulatorState
  calls: RecordedCall[]
  faults: Faults
  /** The temporary keys STS has issued, oldest first, so tests can check none of them leaks. */
  issuedCredentials(): TemporaryCredentials[]
  /** Accept another long-term key pair from now on. */
  addCredentials(credentials: { secretId: string; secretKey: string; accountId?: string }): void
  close(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1'
  const state = new EmulatorState({
    accountId: SEED.accountId,
    knownAccountIds: [SEED.accountId, ...SEED.otherAccountIds],
    regions: [...SEED.regions],
    createMs: options.createMs ?? DEFAULT_CREATE_MS,
    syncMs: options.syncMs ?? DEFAULT_SYNC_MS,
    imageQuota: options.imageQuota ?? DEFAULT_IMAGE_QUOTA,
    failSyncRegions: options.failSyncRegions ?? [],
    syncSourceMs: options.syncSourceMs,
    syncPlateauMs: options.syncPlateauMs,
    subAccountIds: [SEED.subAccountId]
  })
  seedState(state)
  const keys = new KeyStore(
    [...(options.replaceCredentials ? [] : [TEST_CREDENTIALS]), ...(options.credentials ?? [])],
    SEED.accountId
  )
  const faults = new Faults()
  const calls: RecordedCall[] = []
  const dispatcher = new Dispatcher({
    state,
    keys,
    limiter: new RateLimiter(options.rateLimits),
    sts: options.sts ?? {},
    dryRunStyle: options.dryRunStyle ?? 'error',
    now: options.now ?? Date.now
  })

  let closing = false
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: (completed: boolean) => void }>()
  const sleep = (ms: number): Promise<boolean> =>
    new Promise(resolve => {
      if (closing) return resolve(false)
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper)
          resolve(true)
        }, ms),
        wake: resolve
      }
      sleepers.add(sleeper)
    })

  const handle = createRequestHandler({ dispatcher, faults, calls, logger: options.logger, sleep })
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger?.(`emulator: request failed: ${String(error)}`)
      res.destroy()
    })
  })
  const address = await listen(server, options.port ?? 0, host)
  const hostForUrl = host.includes(':') ? `[${host}]` : host
  const endpoint = `${hostForUrl}:${address.port}`

  return {
    url: `http://${endpoint}`,
    endpoint,
    port: address.port,
    state,
    calls,
    faults,
    issuedCredentials: () => keys.issued(),
    addCredentials: credentials => keys.addKey(credentials),
    close: async () => {
      closing = true
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer)
        sleeper.wake(false)
      }
      sleepers.clear()
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}

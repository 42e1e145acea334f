// What every step does before its first call: sign in (keys, or a role through STS) and open a
// CVM client for the connection's region.
import * as core from '@actions/core'
import { resolveCredentials } from '../credentials/index.ts'
import type { Clock, Random } from '../runner/clock.ts'
import { formatDuration } from '../runner/format.ts'
import type { Env } from '../runner/inputs.ts'
import { log } from '../runner/log.ts'
import type { Tally } from '../runner/progress.ts'
import { maskSecret } from '../runner/secrets.ts'
import {
  createCvmClient,
  endpointUrl,
  type ApiClient,
  type CredentialSource,
  type Credentials,
  type Transport
} from './client.ts'
import type { Connection } from './connection.ts'
import { classify, isRateLimited } from './errors.ts'
import { Contention } from './throttle.ts'
import type { RetryContext } from './retry.ts'

export interface Session {
  api: ApiClient
  credentials: Credentials | CredentialSource
}

/**
 * Retries that say what failed and when they try again; throttling is expected, so only info.
 * A `tally` counts them for the step's closing line.
 */
export function loggedRetry(
  base: {
    clock: Clock
    random: Random
    deadline: number
    signal?: AbortSignal
  },
  tally?: Tally
): RetryContext {
  return {
    ...base,
    contention: new Contention(),
    onRetry: ({ action, attempt, delayMs, error }) => {
      const c = classify(error)
      const why = c.code ?? (c.httpCode ? `HTTP ${c.httpCode}` : c.message)
      const line = `${action} attempt ${attempt} failed (${why}); retrying in ${formatDuration(delayMs)}.`
      const throttled = isRateLimited(error)
      if (tally) {
        tally.retries++
        if (throttled) tally.throttled++
      }
      if (throttled) log.info(line)
      else log.warning(line)
    }
  }
}

export async function connect(
  target: Connection,
  deps: { env: Env; transport: Transport; retry: RetryContext }
): Promise<Session> {
  const url = endpointUrl(target.endpoint)
  const proxy = deps.transport.proxyFor(url)
  log.info(
    `Region ${target.region}, endpoint ${url}${proxy ? ` through proxy ${redactProxy(proxy)}` : ''}, credentials from ${target.credentials.source}.`
  )
  const credentials = await resolveCredentials(target.credentials, {
    region: target.region,
    env: deps.env,
    transport: deps.transport,
    retry: deps.retry,
    getIdToken: audience => core.getIDToken(audience),
    mask: maskSecret,
    log: log.info
  })
  const api = createCvmClient(
    { endpoint: target.endpoint, region: target.region, credentials },
    deps.transport
  )
  return { api, credentials }
}

/** A proxy URL may carry a user and password. */
function redactProxy(url: string): string {
  const u = new URL(url)
  if (u.username || u.password) {
    u.username = '***'
    u.password = ''
  }
  return u.href
}

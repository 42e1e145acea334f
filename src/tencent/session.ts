// What both actions (main and cleanup) and the post step do before their first call: mask every
// credential they were given, then sign in (keys, or a role through STS) and open a CVM client.
import * as core from '@actions/core'
import { resolveCredentials } from './credentials/index.ts'
import type { CredentialPlan } from './credentials/plan.ts'
import type { Clock, Random } from './clock.ts'
import {
  createCvmClient,
  endpointUrl,
  type ApiClient,
  type CredentialSource,
  type Credentials,
  type Transport
} from './cvm-client.ts'
import type { Endpoint } from './endpoint.ts'
import { classify, isRateLimited } from './errors.ts'
import type { Env } from './inputs.ts'
import type { RetryContext } from './retry.ts'
import { maskSecret, redactSecrets } from './secrets.ts'
import { formatDuration } from './wait.ts'

const SECRET_INPUTS = ['secret-id', 'secret-key', 'session-token'] as const
const SECRET_ENV = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_SESSION_TOKEN'
]

function maskCredentials(raw: Partial<Record<string, string>>, env: Env): void {
  for (const name of SECRET_INPUTS) if (raw[name]) maskSecret(raw[name]!.trim())
  for (const name of SECRET_ENV) if (env[name]) maskSecret(env[name]!.trim())
}

/**
 * A step's inputs, read before anything else happens, with every credential among them (and in
 * the environment) registered as a secret before anything can be logged.
 */
export function readMaskedInputs<Name extends string>(
  names: readonly Name[],
  env: Env
): Partial<Record<Name, string>> {
  const raw: Partial<Record<Name, string>> = {}
  for (const name of names) raw[name] = core.getInput(name)
  maskCredentials(raw, env)
  return raw
}

export interface Session {
  api: ApiClient
  credentials: Credentials | CredentialSource
}

/** Retries that say what failed and when they try again; throttling is expected, so only info. */
export function loggedRetry(base: {
  clock: Clock
  random: Random
  deadline: number
  signal?: AbortSignal
}): RetryContext {
  return {
    ...base,
    onRetry: ({ action, attempt, delayMs, error }) => {
      const c = classify(error)
      const why = c.code ?? (c.httpCode ? `HTTP ${c.httpCode}` : c.message)
      const log = isRateLimited(error) ? core.info : core.warning
      log(
        redactSecrets(
          `${action} attempt ${attempt} failed (${why}); retrying in ${formatDuration(delayMs)}.`
        )
      )
    }
  }
}

export async function connect(
  target: { plan: CredentialPlan; region: string; endpoint: Endpoint },
  deps: { env: Env; transport: Transport; retry: RetryContext }
): Promise<Session> {
  const url = endpointUrl(target.endpoint)
  const proxy = deps.transport.proxyFor(url)
  core.info(
    `Region ${target.region}, endpoint ${url}${proxy ? ` through proxy ${redactProxy(proxy)}` : ''}, credentials from ${target.plan.source}.`
  )
  const credentials = await resolveCredentials(target.plan, {
    region: target.region,
    env: deps.env,
    transport: deps.transport,
    retry: deps.retry,
    getIdToken: audience => core.getIDToken(audience),
    mask: maskSecret,
    log: core.info
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

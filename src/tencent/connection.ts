// Where and as whom: the inputs every action of this repository declares the same way (region,
// endpoint, credentials), read with every credential masked before anything can be logged.
import * as core from '@actions/core'
import {
  parseCredentialPlan,
  type CredentialPlan,
  type StsWithoutRole
} from '../credentials/plan.ts'
import { InputError, REGION_NAME, type Env } from '../runner/inputs.ts'
import { maskSecret } from '../runner/secrets.ts'
import { parseEndpoint, type Endpoint } from './endpoint.ts'

export const CONNECTION_INPUT_NAMES = [
  'region',
  'secret-id',
  'secret-key',
  'session-token',
  'role-arn',
  'oidc-provider-id',
  'role-session-name',
  'role-duration-seconds',
  'oidc-audience',
  'endpoint',
  'sts-endpoint'
] as const

export type ConnectionInputName = (typeof CONNECTION_INPUT_NAMES)[number]

export interface Connection {
  region: string
  endpoint: Endpoint
  /** Where STS answers: for a role, and for asking whose account the credentials are. */
  stsEndpoint: Endpoint
  credentials: CredentialPlan
}

const SECRET_INPUTS = ['secret-id', 'secret-key', 'session-token'] as const
const SECRET_ENV = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_SESSION_TOKEN'
]

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
  const given = raw as Partial<Record<string, string>>
  for (const name of SECRET_INPUTS) if (given[name]) maskSecret(given[name].trim())
  for (const name of SECRET_ENV) if (env[name]) maskSecret(env[name].trim())
  return raw
}

export function parseConnection(
  raw: Partial<Record<ConnectionInputName, string>>,
  env: Env,
  stsWithoutRole?: StsWithoutRole
): Connection {
  const region = parseRegion((raw.region ?? '').trim())
  const endpoint = parseEndpoint('endpoint', (raw.endpoint ?? '').trim(), 'cvm', region)
  const credentials = parseCredentialPlan(raw, env, region, stsWithoutRole)
  return {
    region,
    endpoint,
    stsEndpoint: parseEndpoint('sts-endpoint', (raw['sts-endpoint'] ?? '').trim(), 'sts', region),
    credentials
  }
}

export function parseRegion(region: string): string {
  if (region === '') throw new InputError('region', 'is required, e.g. ap-guangzhou.')
  if (!REGION_NAME.test(region)) {
    throw new InputError('region', `'${region}' is not a region name such as ap-guangzhou.`)
  }
  return region
}

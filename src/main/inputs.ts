// Raw inputs -> a validated config, before any API call. Pure: the raw inputs and the environment
// come in as plain records, so every rule is tested as data.
import { parseCredentialPlan, type CredentialPlan } from './credentials/plan.ts'
import { parseEndpoint, type Endpoint } from './endpoint.ts'
import {
  InputError,
  REGION_NAME,
  checkIdFormat,
  checkLength,
  parseBoolean,
  parseList,
  parseNumber
} from './parse.ts'
import { parsePublishSpec, type PublishSpec } from './publish-inputs.ts'
import { parseLifecycle, type Lifecycle } from './lifecycle-inputs.ts'

/** Every input action.yml declares, in its order. A test keeps the two in step. */
/** Where and as whom: the same inputs, declared the same way, in both actions. */
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

export const INPUT_NAMES = [
  ...CONNECTION_INPUT_NAMES,
  'image-name',
  'instance-id',
  'snapshot-ids',
  'data-disk-ids',
  'image-description',
  'force-poweroff',
  'sysprep',
  'dry-run',
  'tags',
  'provenance-tags',
  'image-family',
  'if-exists',
  'wait',
  'wait-timeout-seconds',
  'poll-interval-seconds',
  'copy-to-regions',
  'share-with-accounts',
  'cleanup-on-failure',
  'cleanup-wait-seconds'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Partial<Record<InputName, string>>
export type Env = Record<string, string | undefined>

export interface Tag {
  Key: string
  Value: string
}

export interface ImageSpec {
  name: string
  instanceId?: string
  snapshotIds: string[]
  dataDiskIds: string[]
  description?: string
  forcePoweroff: boolean
  sysprep: boolean
  dryRun: boolean
  tags: Tag[]
  family?: string
}

export interface Config {
  region: string
  endpoint: Endpoint
  credentials: CredentialPlan
  image: ImageSpec
  wait: boolean
  waitTimeoutMs: number
  pollIntervalMs: number
  publish: PublishSpec
  lifecycle: Lifecycle
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600
export const DEFAULT_POLL_INTERVAL_SECONDS = 8

export const MAX_TAGS = 50
const TAG_KEY_MAX = 127
export const TAG_VALUE_MAX = 255
const RESERVED_TAG_PREFIXES = ['qcloud', 'tencent', 'project']
export const TAG_CHARS = /^[\p{L}\p{N} +\-=._:/@]*$/u

export function parseInputs(raw: RawInputs, env: Env): Config {
  const get = (name: InputName): string => (raw[name] ?? '').trim()

  const region = parseRegion(get('region'))

  const config: Omit<Config, 'publish'> = {
    region,
    endpoint: parseEndpoint('endpoint', get('endpoint'), 'cvm', region),
    credentials: parseCredentialPlan(raw, env, region),
    image: parseImageSpec(get),
    wait: parseBoolean('wait', get('wait'), true),
    waitTimeoutMs:
      1000 *
      parseNumber(
        'wait-timeout-seconds',
        get('wait-timeout-seconds'),
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        {
          min: 1,
          max: 6 * 3600
        }
      ),
    pollIntervalMs:
      1000 *
      parseNumber(
        'poll-interval-seconds',
        get('poll-interval-seconds'),
        DEFAULT_POLL_INTERVAL_SECONDS,
        { min: 0.1, max: 300 }
      ),
    lifecycle: parseLifecycle(name => get(name as InputName))
  }
  const publish = parsePublishSpec(get, {
    ...config,
    endpointInput: get('endpoint'),
    dryRun: config.image.dryRun
  })
  return { ...config, publish }
}

/** Shared with the cleanup action, which takes the same region input. */
export function parseRegion(region: string): string {
  if (region === '') throw new InputError('region', 'is required, e.g. ap-guangzhou.')
  if (!REGION_NAME.test(region)) {
    throw new InputError('region', `'${region}' is not a region name such as ap-guangzhou.`)
  }
  return region
}

function parseImageSpec(get: (name: InputName) => string): ImageSpec {
  const name = get('image-name')
  if (name === '') throw new InputError('image-name', 'is required.')
  checkLength('image-name', name, 60)

  const instanceId = get('instance-id')
  const snapshotIds = parseList('snapshot-ids', get('snapshot-ids'))
  const dataDiskIds = parseList('data-disk-ids', get('data-disk-ids'))
  if (instanceId === '' && snapshotIds.length === 0) {
    throw new InputError(
      'instance-id',
      'set exactly one of instance-id or snapshot-ids; both are empty.'
    )
  }
  if (instanceId !== '' && snapshotIds.length > 0) {
    throw new InputError(
      'snapshot-ids',
      'set exactly one of instance-id or snapshot-ids, not both: an image is made either from an instance or from snapshots.'
    )
  }
  if (instanceId !== '') checkIdFormat('instance-id', instanceId, 'ins')
  for (const id of snapshotIds) checkIdFormat('snapshot-ids', id, 'snap')
  if (dataDiskIds.length > 0 && instanceId === '') {
    throw new InputError(
      'data-disk-ids',
      'only goes with instance-id (the data disks of that instance); snapshots of data disks go in snapshot-ids.'
    )
  }
  for (const id of dataDiskIds) checkIdFormat('data-disk-ids', id, 'disk')

  const description = get('image-description')
  checkLength('image-description', description, 256)

  const family = get('image-family')
  checkLength('image-family', family, 60)
  if (/\s/.test(family)) throw new InputError('image-family', 'must not contain spaces.')

  return {
    name,
    ...(instanceId !== '' && { instanceId }),
    snapshotIds,
    dataDiskIds,
    ...(description !== '' && { description }),
    forcePoweroff: parseBoolean('force-poweroff', get('force-poweroff'), false),
    sysprep: parseBoolean('sysprep', get('sysprep'), false),
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    tags: parseTags('tags', get('tags')),
    ...(family !== '' && { family })
  }
}

/** `key=value` pairs, comma- or newline-separated, within Tencent Cloud's tag rules. */
export function parseTags(input: string, value: string): Tag[] {
  const tags: Tag[] = []
  for (const entry of value.split(/[,\n]/)) {
    const item = entry.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq <= 0) throw new InputError(input, `'${item}' is not key=value.`)
    const Key = item.slice(0, eq).trim()
    const Value = item.slice(eq + 1).trim()
    checkTag(input, Key, Value)
    if (tags.some(t => t.Key === Key)) throw new InputError(input, `sets key '${Key}' twice.`)
    tags.push({ Key, Value })
  }
  if (tags.length > MAX_TAGS) {
    throw new InputError(input, `at most ${MAX_TAGS} tags per image, got ${tags.length}.`)
  }
  return tags
}

export function checkTag(input: string, key: string, value: string): void {
  if (key === '') throw new InputError(input, 'a tag key is empty.')
  checkLength(input, key, TAG_KEY_MAX)
  checkLength(input, value, TAG_VALUE_MAX)
  const reserved = RESERVED_TAG_PREFIXES.find(p => key.toLowerCase().startsWith(p))
  if (reserved)
    throw new InputError(
      input,
      `tag key '${key}' starts with '${reserved}', which Tencent Cloud reserves.`
    )
  for (const text of [key, value]) {
    if (!TAG_CHARS.test(text)) {
      throw new InputError(
        input,
        `'${text}' may only hold letters, digits, spaces and + - = . _ : / @ (Tencent Cloud tag rules).`
      )
    }
  }
}

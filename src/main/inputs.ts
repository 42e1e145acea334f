// Raw inputs of the main action -> a validated config, before any API call. Pure: the raw inputs
// and the environment come in as plain records, so every rule is tested as data.
import { parseImageSpec, type ImageSpec } from '../image/spec.ts'
import { parsePublishSpec, type PublishSpec } from '../publish/inputs.ts'
import { parseNumber, parseBoolean, refuseControlCharacters, type Env } from '../runner/inputs.ts'
import { progressIntervalMs } from '../runner/progress.ts'
import { CONNECTION_INPUT_NAMES, parseConnection, type Connection } from '../tencent/connection.ts'
import { parseCreateSlot, type CreateSlot } from '../tencent/create-slot.ts'
import { parseLifecycle, type Lifecycle } from './lifecycle.ts'

/** Every input action.yml declares, in its order. A test keeps the two in step. */
export const INPUT_NAMES = [
  ...CONNECTION_INPUT_NAMES,
  'tag-endpoint',
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
  'create-slot',
  'wait',
  'wait-timeout-seconds',
  'poll-interval-seconds',
  'copy-to-regions',
  'share-with-accounts',
  'cleanup-on-failure',
  'cleanup-wait-seconds'
] as const

/** Inputs that are lists, one item a line if the user likes. */
const LIST_INPUTS = [
  'snapshot-ids',
  'data-disk-ids',
  'tags',
  'copy-to-regions',
  'share-with-accounts'
]

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Partial<Record<InputName, string>>

export interface Config extends Connection {
  image: ImageSpec
  wait: boolean
  waitTimeoutMs: number
  pollIntervalMs: number
  /** Between two progress lines of a wait. */
  progressIntervalMs: number
  publish: PublishSpec
  lifecycle: Lifecycle
  /** This job's turn for CreateImage among the jobs of its matrix; undefined for none. */
  createSlot: CreateSlot | undefined
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600
export const DEFAULT_POLL_INTERVAL_SECONDS = 8

export function parseInputs(raw: RawInputs, env: Env): Config {
  refuseControlCharacters(raw, LIST_INPUTS)
  const get = (name: InputName): string => (raw[name] ?? '').trim()
  // The copies are tagged by names that hold the account's UIN, which STS tells.
  const connection = parseConnection(raw, env, {
    input: 'copy-to-regions',
    given: get('copy-to-regions') !== ''
  })
  const config: Omit<Config, 'publish'> = {
    ...connection,
    image: parseImageSpec(get),
    wait: parseBoolean('wait', get('wait'), true),
    waitTimeoutMs:
      1000 *
      parseNumber(
        'wait-timeout-seconds',
        get('wait-timeout-seconds'),
        DEFAULT_WAIT_TIMEOUT_SECONDS,
        { min: 1, max: 6 * 3600 }
      ),
    pollIntervalMs:
      1000 *
      parseNumber(
        'poll-interval-seconds',
        get('poll-interval-seconds'),
        DEFAULT_POLL_INTERVAL_SECONDS,
        { min: 0.1, max: 300 }
      ),
    progressIntervalMs: progressIntervalMs(env),
    lifecycle: parseLifecycle(get),
    createSlot: parseCreateSlot('create-slot', get('create-slot'))
  }
  const publish = parsePublishSpec(get, {
    ...config,
    endpointInput: get('endpoint'),
    dryRun: config.image.dryRun
  })
  return { ...config, publish }
}

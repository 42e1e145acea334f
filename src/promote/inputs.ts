// Raw inputs of the promote action -> a validated config, before any API call. Pure. Region,
// endpoint and credentials are the other actions' inputs, parsed by the same functions.
import {
  InputError,
  REGION_NAME,
  checkIdFormat,
  parseBoolean,
  parseList,
  parseNumber,
  refuseControlCharacters,
  type Env
} from '../runner/inputs.ts'
import { CONNECTION_INPUT_NAMES, parseConnection, type Connection } from '../tencent/connection.ts'
import { parseEndpoint, type Endpoint } from '../tencent/endpoint.ts'

/** Every input promote/action.yml declares, in its order. A test keeps the two in step. */
export const PROMOTE_INPUT_NAMES = [
  ...CONNECTION_INPUT_NAMES,
  'as-endpoint',
  'images',
  'image-id',
  'image-family',
  'deprecate-older',
  'launch-configurations',
  'launch-templates',
  'refresh-scaling-groups',
  'refresh-batches',
  'refresh-rollback-on-failure',
  'wait-timeout-seconds',
  'poll-interval-seconds',
  'progress-interval-seconds',
  'dry-run'
] as const

export type PromoteInputName = (typeof PROMOTE_INPUT_NAMES)[number]
export type PromoteRawInputs = Partial<Record<PromoteInputName, string>>

const LIST_INPUTS = [
  'images',
  'launch-configurations',
  'launch-templates',
  'refresh-scaling-groups'
]

/** A resource in a region: `asc-xxxxxxxx` (the first region) or `ap-shanghai:asc-xxxxxxxx`. */
export interface Target {
  region: string
  id: string
}

export interface PromoteConfig extends Connection {
  /** Region -> image id, in the order given; the first region is the default of every target. */
  images: Record<string, string>
  family?: string
  deprecateOlder: boolean
  launchConfigurations: Target[]
  launchTemplates: Target[]
  scalingGroups: Target[]
  refreshBatches: number
  rollbackOnFailure: boolean
  waitTimeoutMs: number
  pollIntervalMs: number
  progressIntervalMs: number
  dryRun: boolean
  cvmEndpoints: Record<string, Endpoint>
  asEndpoints: Record<string, Endpoint>
}

const FAMILY = /^[A-Za-z][A-Za-z0-9-]{0,59}$/

export function parsePromoteInputs(raw: PromoteRawInputs, env: Env): PromoteConfig {
  refuseControlCharacters(raw, LIST_INPUTS)
  const get = (name: PromoteInputName): string => (raw[name] ?? '').trim()
  const images = parseImages(get('images'), get('image-id'), get('region'))
  const regions = Object.keys(images)
  const first = regions[0]!
  const connection = parseConnection({ ...raw, region: get('region') || first }, env)

  const family = get('image-family')
  if (family !== '' && !FAMILY.test(family)) {
    throw new InputError(
      'image-family',
      `'${family}' is not an image family name: letters, digits and hyphens, starting with a letter, at most 60.`
    )
  }
  const targets = (input: PromoteInputName, prefix: string) =>
    parseTargets(input, get(input), prefix, first, images)
  const launchConfigurations = targets('launch-configurations', 'asc')
  const launchTemplates = targets('launch-templates', 'lt')
  const scalingGroups = targets('refresh-scaling-groups', 'asg')
  if (
    family === '' &&
    launchConfigurations.length + launchTemplates.length + scalingGroups.length === 0
  ) {
    throw new InputError(
      'image-family',
      'nothing to promote to: set image-family, launch-configurations, launch-templates or refresh-scaling-groups.'
    )
  }
  const deprecateOlder = parseBoolean('deprecate-older', get('deprecate-older'), false)
  if (deprecateOlder && family === '') {
    throw new InputError(
      'deprecate-older',
      'needs image-family: it deprecates older images of that family.'
    )
  }

  const cvmEndpoints: Record<string, Endpoint> = {}
  const asEndpoints: Record<string, Endpoint> = {}
  for (const region of regions) {
    cvmEndpoints[region] = parseEndpoint('endpoint', get('endpoint'), 'cvm', region)
    asEndpoints[region] = parseEndpoint('as-endpoint', get('as-endpoint'), 'as', region)
  }
  return {
    ...connection,
    images,
    ...(family !== '' && { family }),
    deprecateOlder,
    launchConfigurations,
    launchTemplates,
    scalingGroups,
    refreshBatches: parseNumber('refresh-batches', get('refresh-batches'), 1, {
      min: 1,
      max: 100,
      integer: true
    }),
    rollbackOnFailure: parseBoolean(
      'refresh-rollback-on-failure',
      get('refresh-rollback-on-failure'),
      true
    ),
    waitTimeoutMs:
      parseNumber('wait-timeout-seconds', get('wait-timeout-seconds'), 3600, {
        min: 1,
        max: 21600
      }) * 1000,
    pollIntervalMs:
      parseNumber('poll-interval-seconds', get('poll-interval-seconds'), 15, {
        min: 0.1,
        max: 300
      }) * 1000,
    progressIntervalMs:
      parseNumber('progress-interval-seconds', get('progress-interval-seconds'), 60, {
        min: 0.1,
        max: 3600
      }) * 1000,
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    cvmEndpoints,
    asEndpoints
  }
}

/** `images` (the main action's output) or `image-id` with `region`: region -> image id. */
function parseImages(json: string, imageId: string, region: string): Record<string, string> {
  if (json !== '' && imageId !== '') {
    throw new InputError('images', 'set images or image-id, not both.')
  }
  if (imageId !== '') {
    checkIdFormat('image-id', imageId, 'img')
    if (region === '')
      throw new InputError('region', 'is required with image-id, e.g. ap-guangzhou.')
    if (!REGION_NAME.test(region)) {
      throw new InputError('region', `'${region}' is not a region name such as ap-guangzhou.`)
    }
    return { [region]: imageId }
  }
  if (json === '') {
    throw new InputError(
      'images',
      'is required (or image-id with region): the main action\'s images output, e.g. {"ap-guangzhou":"img-abcd1234"}.'
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new InputError(
      'images',
      'is not JSON: pass the main action\'s images output, e.g. {"ap-guangzhou":"img-abcd1234"}.'
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(
      'images',
      'must be a JSON object of region to image id, e.g. {"ap-guangzhou":"img-abcd1234"}.'
    )
  }
  const entries = Object.entries(parsed as Record<string, unknown>)
  if (entries.length === 0)
    throw new InputError('images', 'lists no image: {} has nothing to promote.')
  const images: Record<string, string> = {}
  for (const [key, value] of entries) {
    if (!REGION_NAME.test(key)) {
      throw new InputError('images', `'${key}' is not a region name such as ap-guangzhou.`)
    }
    if (typeof value !== 'string') {
      throw new InputError(
        'images',
        `the image of ${key} must be an id string such as img-abcd1234.`
      )
    }
    checkIdFormat('images', value, 'img')
    images[key] = value
  }
  if (region !== '' && !(region in images)) {
    throw new InputError(
      'region',
      `${region} has no image in images (${Object.keys(images).join(', ')}).`
    )
  }
  return region !== '' ? { [region]: images[region]!, ...images } : images
}

function parseTargets(
  input: string,
  value: string,
  prefix: string,
  firstRegion: string,
  images: Record<string, string>
): Target[] {
  return parseList(input, value).map(item => {
    const colon = item.lastIndexOf(':')
    const region = colon >= 0 ? item.slice(0, colon) : firstRegion
    const id = colon >= 0 ? item.slice(colon + 1) : item
    if (!REGION_NAME.test(region)) {
      throw new InputError(
        input,
        `'${region}' in '${item}' is not a region name such as ap-shanghai.`
      )
    }
    checkIdFormat(input, id, prefix)
    if (!(region in images)) {
      throw new InputError(
        input,
        `'${item}' is in ${region}, which has no image in images (${Object.keys(images).join(', ')}).`
      )
    }
    return { region, id }
  })
}

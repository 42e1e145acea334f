// Raw inputs of the cleanup action -> a validated config, before any API call. Pure. Region,
// endpoint and credentials are the main action's inputs, parsed by the same functions.
import { parseTags, type Tag } from '../image/tags.ts'
import {
  InputError,
  checkIdFormat,
  checkLength,
  parseBoolean,
  parseList,
  refuseControlCharacters,
  type Env
} from '../runner/inputs.ts'
import { CONNECTION_INPUT_NAMES, parseConnection, type Connection } from '../tencent/connection.ts'

/** Every input cleanup/action.yml declares, in its order. A test keeps the two in step. */
export const CLEANUP_INPUT_NAMES = [
  ...CONNECTION_INPUT_NAMES,
  'image-ids',
  'image-name',
  'name-prefix',
  'tags',
  'keep-latest',
  'older-than',
  'delete-snapshots',
  'dry-run'
] as const

export type CleanupInputName = (typeof CLEANUP_INPUT_NAMES)[number]
export type CleanupRawInputs = Partial<Record<CleanupInputName, string>>

export type Selector =
  | { by: 'ids'; imageIds: string[] }
  | { by: 'name'; name: string }
  | { by: 'filters'; prefix?: string; tags: Tag[] }

/** Inputs that are lists, one item a line if the user likes. */
const LIST_INPUTS = ['image-ids', 'tags']

export interface CleanupConfig extends Connection {
  selector: Selector
  keepLatest: number
  olderThanMs?: number
  deleteSnapshots: boolean
  dryRun: boolean
}

/** DescribeImages takes 10 filters: image-type and image-name leave 8 for tags. */
export const MAX_TAG_FILTERS = 8

export function parseCleanupInputs(raw: CleanupRawInputs, env: Env): CleanupConfig {
  refuseControlCharacters(raw, LIST_INPUTS)
  const get = (name: CleanupInputName): string => (raw[name] ?? '').trim()
  const olderThan = get('older-than')
  return {
    ...parseConnection(raw, env),
    selector: parseSelector(get),
    keepLatest: parseCount('keep-latest', get('keep-latest')),
    ...(olderThan !== '' && { olderThanMs: parseDuration('older-than', olderThan) }),
    deleteSnapshots: parseBoolean('delete-snapshots', get('delete-snapshots'), true),
    dryRun: parseBoolean('dry-run', get('dry-run'), false)
  }
}

function parseSelector(get: (name: CleanupInputName) => string): Selector {
  const imageIds = parseList('image-ids', get('image-ids'))
  const name = get('image-name')
  const prefix = get('name-prefix')
  const tags = parseTags('tags', get('tags'))
  const given = [
    imageIds.length > 0 && 'image-ids',
    name !== '' && 'image-name',
    (prefix !== '' || tags.length > 0) && 'name-prefix/tags'
  ].filter(Boolean)
  if (given.length === 0) {
    throw new InputError(
      'image-ids',
      'choose the images: set image-ids, image-name, or name-prefix and/or tags. The action never deletes every image of a region.'
    )
  }
  if (given.length > 1) {
    throw new InputError(
      given[0] as string,
      `choose the images one way: ${given.join(' and ')} are both set. Use image-ids, or image-name, or name-prefix and/or tags.`
    )
  }
  if (imageIds.length > 0) {
    for (const id of imageIds) checkIdFormat('image-ids', id, 'img')
    return { by: 'ids', imageIds }
  }
  if (name !== '') {
    checkLength('image-name', name, 60)
    return { by: 'name', name }
  }
  checkLength('name-prefix', prefix, 60)
  if (tags.length > MAX_TAG_FILTERS) {
    throw new InputError(
      'tags',
      `at most ${MAX_TAG_FILTERS} tags to select by, got ${tags.length}.`
    )
  }
  return { by: 'filters', ...(prefix !== '' && { prefix }), tags }
}

function parseCount(input: string, value: string): number {
  if (value === '') return 0
  if (!/^\d{1,5}$/.test(value)) {
    throw new InputError(input, `must be a whole number of images, 0 or more, got '${value}'.`)
  }
  return Number(value)
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

/** '7d', '12h', '1d12h', '30m', '2w': whole numbers with a unit, largest first or in any order. */
export function parseDuration(input: string, value: string): number {
  const text = value.replace(/\s+/g, '')
  if (!/^(\d+[smhdw])+$/.test(text)) {
    throw new InputError(
      input,
      `'${value}' is not a duration such as 7d, 12h, 1d12h or 30m (units s, m, h, d, w).`
    )
  }
  let ms = 0
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNIT_MS[unit!]!
  if (ms <= 0) throw new InputError(input, `must be longer than 0, got '${value}'.`)
  return ms
}

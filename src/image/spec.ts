// The image-name, source and image inputs -> what CreateImage is asked to make. Pure.
import {
  InputError,
  checkIdFormat,
  checkLength,
  parseBoolean,
  parseList
} from '../runner/inputs.ts'
import { parseTags, type Tag } from './tags.ts'

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

export type ImageInputName =
  | 'image-name'
  | 'instance-id'
  | 'snapshot-ids'
  | 'data-disk-ids'
  | 'image-description'
  | 'force-poweroff'
  | 'sysprep'
  | 'dry-run'
  | 'tags'
  | 'image-family'

export const IMAGE_NAME_MAX = 60

export function parseImageSpec(get: (name: ImageInputName) => string): ImageSpec {
  const name = get('image-name')
  if (name === '') throw new InputError('image-name', 'is required.')
  checkLength('image-name', name, IMAGE_NAME_MAX)

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

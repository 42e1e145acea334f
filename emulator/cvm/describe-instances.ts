// DescribeInstances: the account's instances in the region, by ids or filters, paged.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError } from '../api-error.ts'
import { RESOURCE_ID_PATTERN } from '../ids.ts'
import {
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  rejectUnknownParameters
} from '../params.ts'
import type { InstanceRecord } from '../types.ts'
import { readPaging } from './describe-images.ts'

type Matcher = (instance: InstanceRecord, values: string[]) => boolean

const MATCHERS: Record<string, Matcher> = {
  'instance-id': (instance, values) => values.includes(instance.InstanceId),
  'instance-name': (instance, values) =>
    values.some(value => instance.InstanceName.includes(value)),
  'instance-state': (instance, values) => values.includes(instance.InstanceState),
  zone: (instance, values) => values.includes(instance.zone)
}

function toApiInstance(instance: InstanceRecord): Record<string, unknown> {
  return {
    InstanceId: instance.InstanceId,
    InstanceName: instance.InstanceName,
    InstanceType: instance.InstanceType,
    InstanceState: instance.InstanceState,
    LatestOperation: instance.LatestOperation,
    LatestOperationState: instance.LatestOperationState,
    OsName: instance.OsName,
    ImageId: instance.ImageId,
    Placement: { Zone: instance.zone, ProjectId: 0 },
    SystemDisk: { ...instance.SystemDisk },
    DataDisks: instance.DataDisks.map(disk => ({ ...disk, DeleteWithInstance: true })),
    CPU: 2,
    Memory: 4
  }
}

export function describeInstances(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['InstanceIds', 'Filters', 'Offset', 'Limit'])
  const instanceIds = optionalStringArray(params, 'InstanceIds')
  const rawFilters = optionalObjectArray(params, 'Filters')
  if (instanceIds && rawFilters) {
    throw new ApiError(
      'InvalidParameterCombination',
      'InstanceIds and Filters cannot be specified at the same time.'
    )
  }
  for (const instanceId of instanceIds ?? []) {
    if (!RESOURCE_ID_PATTERN.instance.test(instanceId)) {
      throw new ApiError(
        'InvalidInstanceId.Malformed',
        `The instance id \`${instanceId}\` is malformed.`
      )
    }
  }
  const filters = (rawFilters ?? []).map(filter => {
    const name = optionalString(filter, 'Name') ?? ''
    const matcher = MATCHERS[name]
    if (!matcher) throw new ApiError('InvalidFilter', `The filter \`${name}\` is not supported.`)
    return { matcher, values: optionalStringArray(filter, 'Values') ?? [] }
  })
  const { offset, limit } = readPaging(params)
  const matching = [...state.instances.values()]
    .filter(instance => instance.region === context.region)
    .filter(instance => instance.ownerAccountId === context.accountId)
    .filter(instance => !instanceIds || instanceIds.includes(instance.InstanceId))
    .filter(instance => filters.every(({ matcher, values }) => matcher(instance, values)))
  return {
    TotalCount: matching.length,
    InstanceSet: matching.slice(offset, offset + limit).map(toApiInstance)
  }
}

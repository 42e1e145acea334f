// Instance refresh: StartInstanceRefresh replaces a scaling group's instances batch by batch;
// DescribeRefreshActivities reports each activity's status, batches and instances.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError, missingParameter, invalidParameterValue } from '../api-error.ts'
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  rejectUnknownParameters,
  wrongType,
  type Params
} from '../params.ts'
import { SCALING_GROUP_ID, selectByIdsOrFilters } from './launch-configurations.ts'

const REFRESH_MODES = ['ROLLING_UPDATE_RESET', 'ROLLING_UPDATE_REPLACE']
const FAIL_PROCESSES = ['AUTO_PAUSE', 'AUTO_ROLLBACK', 'AUTO_CANCEL']
const BATCH_PAUSES = ['FIRST_BATCH_PAUSE', 'BATCH_INTERVAL_PAUSE', 'AUTOMATIC']
/** Statuses in which a group's refresh is not over. */
const UNFINISHED = new Set(['INIT', 'RUNNING', 'FAILED_PAUSE', 'AUTO_PAUSE', 'MANUAL_PAUSE'])

function object(params: Params, name: string): Params {
  const value = params[name]
  if (value === undefined) throw missingParameter(name)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw wrongType(name, 'Object', value)
  }
  return value as Params
}

function oneOf(params: Params, name: string, allowed: string[], label = name): string | undefined {
  const value = optionalString(params, name)
  if (value !== undefined && !allowed.includes(value)) {
    throw invalidParameterValue(label, `must be one of ${allowed.join(', ')}, not ${value}`)
  }
  return value
}

export function startInstanceRefresh(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['AutoScalingGroupId', 'RefreshSettings', 'RefreshMode'])
  const groupId = optionalString(params, 'AutoScalingGroupId')
  if (!groupId) throw missingParameter('AutoScalingGroupId')
  const settings = object(params, 'RefreshSettings')
  rejectUnknownParameters(settings, [
    'RollingUpdateSettings',
    'CheckInstanceTargetHealth',
    'CheckInstanceTargetHealthTimeout'
  ])
  const rolling = object(settings, 'RollingUpdateSettings')
  rejectUnknownParameters(rolling, ['BatchNumber', 'BatchPause', 'MaxSurge', 'FailProcess'])
  const batchNumber = optionalInteger(rolling, 'BatchNumber', { min: 1, max: 100 })
  if (batchNumber === undefined)
    throw missingParameter('RefreshSettings.RollingUpdateSettings.BatchNumber')
  oneOf(rolling, 'BatchPause', BATCH_PAUSES, 'RefreshSettings.RollingUpdateSettings.BatchPause')
  oneOf(rolling, 'FailProcess', FAIL_PROCESSES, 'RefreshSettings.RollingUpdateSettings.FailProcess')
  optionalInteger(rolling, 'MaxSurge', { min: 0, max: 100 })
  optionalBoolean(settings, 'CheckInstanceTargetHealth')
  const mode = oneOf(params, 'RefreshMode', REFRESH_MODES) ?? 'ROLLING_UPDATE_RESET'
  if (!SCALING_GROUP_ID.test(groupId)) {
    throw new ApiError(
      'InvalidParameterValue.InvalidAutoScalingGroupId',
      `The scaling group id \`${groupId}\` is malformed.`
    )
  }
  const group = state.autoScaling.groups.get(groupId)
  if (!group || group.region !== context.region || group.ownerAccountId !== context.accountId) {
    throw new ApiError(
      'ResourceNotFound.AutoScalingGroupNotFound',
      `The scaling group \`${groupId}\` does not exist in ${context.region}.`
    )
  }
  if (batchNumber > Math.max(1, group.instanceIds.length)) {
    throw invalidParameterValue(
      'RefreshSettings.RollingUpdateSettings.BatchNumber',
      `${batchNumber} batches for ${group.instanceIds.length} instance(s); it cannot be larger than the number of instances`
    )
  }
  const busy = state.autoScaling
    .refreshActivities()
    .find(
      a =>
        a.AutoScalingGroupId === groupId && UNFINISHED.has(String(state.autoScaling.view(a).Status))
    )
  if (busy) {
    throw new ApiError(
      'FailedOperation.InstanceRefreshInProgress',
      `The scaling group \`${groupId}\` has an unfinished refresh activity \`${busy.RefreshActivityId}\`.`
    )
  }
  const activity = state.autoScaling.startRefresh(group, settings, mode)
  return { RefreshActivityId: activity.RefreshActivityId }
}

export function describeRefreshActivities(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['RefreshActivityIds', 'Filters', 'Limit', 'Offset'])
  const query = selectByIdsOrFilters(params, 'RefreshActivityIds', {
    'auto-scaling-group-id': 'AutoScalingGroupId',
    'refresh-activity-status-code': 'Status',
    'refresh-activity-type': 'ActivityType',
    'refresh-activity-id': 'RefreshActivityId'
  })
  const views = state.autoScaling
    .refreshActivities()
    .filter(a => a.region === context.region)
    .filter(a => !query.ids || query.ids.includes(a.RefreshActivityId))
    .map(a => state.autoScaling.view(a))
    .filter(v => query.filters.every(f => f.values.includes(String(v[f.field]))))
  return {
    TotalCount: views.length,
    RefreshActivitySet: views.slice(query.offset, query.offset + query.limit)
  }
}

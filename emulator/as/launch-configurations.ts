// Auto Scaling launch configurations and scaling groups: read them, and point a launch
// configuration at another image.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError, invalidParameterValue, missingParameter } from '../api-error.ts'
import { isoSeconds } from '../ids.ts'
import {
  optionalInteger,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  rejectUnknownParameters,
  type Params
} from '../params.ts'
import type { LaunchConfigurationRecord, ScalingGroupRecord } from './store.ts'

const LAUNCH_CONFIGURATION_ID = /^asc-[a-z0-9]{8}$/
export const SCALING_GROUP_ID = /^asg-[a-z0-9]{8}$/

/** The settings ModifyLaunchConfigurationAttributes takes besides the id (the SDK model's). */
const MODIFIABLE = [
  'ImageId',
  'InstanceTypes',
  'InstanceTypesCheckPolicy',
  'LaunchConfigurationName',
  'UserData',
  'SecurityGroupIds',
  'InternetAccessible',
  'InstanceChargeType',
  'InstanceChargePrepaid',
  'InstanceMarketOptions',
  'DiskTypePolicy',
  'SystemDisk',
  'DataDisks',
  'HostNameSettings',
  'InstanceNameSettings',
  'EnhancedService',
  'CamRoleName',
  'HpcClusterId',
  'IPv6InternetAccessible',
  'DisasterRecoverGroupIds',
  'LoginSettings',
  'InstanceTags',
  'ImageFamily',
  'DedicatedClusterId',
  'Metadata',
  'NetworkInterfaces'
]

/** Ids or filters (never both), the way every AS Describe* reads them. */
export function selectByIdsOrFilters(
  params: Params,
  idsName: string,
  filterNames: Record<string, string>
): {
  ids?: string[]
  filters: { field: string; values: string[] }[]
  offset: number
  limit: number
} {
  const ids = optionalStringArray(params, idsName)
  const raw = optionalObjectArray(params, 'Filters')
  if (ids && raw) {
    throw invalidParameterValue(idsName, `${idsName} and Filters cannot be combined`)
  }
  if (ids && ids.length > 100) {
    throw new ApiError('InvalidParameterValue.LimitExceeded', `At most 100 ${idsName} per request.`)
  }
  const filters = (raw ?? []).map(filter => {
    const field = filterNames[String(filter.Name)]
    if (!field) {
      throw new ApiError(
        'InvalidParameterValue.Filter',
        `The filter \`${String(filter.Name)}\` is not supported.`
      )
    }
    return { field, values: optionalStringArray(filter, 'Values') ?? [] }
  })
  return {
    ...(ids && { ids }),
    filters,
    offset: optionalInteger(params, 'Offset', { min: 0, max: 1_000_000 }) ?? 0,
    limit: optionalInteger(params, 'Limit', { min: 1, max: 100 }) ?? 20
  }
}

function matches(record: object, filters: { field: string; values: string[] }[]): boolean {
  const fields = record as Record<string, unknown>
  return filters.every(f => f.values.includes(String(fields[f.field])))
}

function own<T extends { region: string; ownerAccountId: string }>(
  context: ActionContext,
  records: Iterable<T>
): T[] {
  return [...records].filter(
    r => r.region === context.region && r.ownerAccountId === context.accountId
  )
}

function toApiLaunchConfiguration(lc: LaunchConfigurationRecord, groups: ScalingGroupRecord[]) {
  return {
    LaunchConfigurationId: lc.LaunchConfigurationId,
    LaunchConfigurationName: lc.LaunchConfigurationName,
    ImageId: lc.ImageId,
    ImageFamily: lc.ImageFamily,
    InstanceType: lc.InstanceType,
    LaunchConfigurationStatus: lc.LaunchConfigurationStatus,
    CreatedTime: lc.CreatedTime,
    UpdatedTime: lc.UpdatedTime,
    VersionNumber: lc.VersionNumber,
    AutoScalingGroupAbstractSet: groups
      .filter(g => g.LaunchConfigurationId === lc.LaunchConfigurationId)
      .map(g => ({
        AutoScalingGroupId: g.AutoScalingGroupId,
        AutoScalingGroupName: g.AutoScalingGroupName
      }))
  }
}

export function describeLaunchConfigurations(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['LaunchConfigurationIds', 'Filters', 'Limit', 'Offset'])
  const query = selectByIdsOrFilters(params, 'LaunchConfigurationIds', {
    'launch-configuration-id': 'LaunchConfigurationId',
    'launch-configuration-name': 'LaunchConfigurationName'
  })
  for (const id of query.ids ?? []) {
    if (!LAUNCH_CONFIGURATION_ID.test(id)) {
      throw new ApiError(
        'InvalidParameterValue.InvalidLaunchConfigurationId',
        `The launch configuration id \`${id}\` is malformed.`
      )
    }
  }
  const groups = own(context, state.autoScaling.groups.values())
  const selected = own(context, state.autoScaling.launchConfigurations.values())
    .filter(lc => !query.ids || query.ids.includes(lc.LaunchConfigurationId))
    .filter(lc => matches(lc, query.filters))
  return {
    TotalCount: selected.length,
    LaunchConfigurationSet: selected
      .slice(query.offset, query.offset + query.limit)
      .map(lc => toApiLaunchConfiguration(lc, groups))
  }
}

export function modifyLaunchConfigurationAttributes(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['LaunchConfigurationId', ...MODIFIABLE])
  const id = optionalString(params, 'LaunchConfigurationId')
  if (!id) throw missingParameter('LaunchConfigurationId')
  if (!LAUNCH_CONFIGURATION_ID.test(id)) {
    throw new ApiError(
      'InvalidParameterValue.InvalidLaunchConfigurationId',
      `The launch configuration id \`${id}\` is malformed.`
    )
  }
  const lc = state.autoScaling.launchConfigurations.get(id)
  if (!lc || lc.region !== context.region || lc.ownerAccountId !== context.accountId) {
    throw new ApiError(
      'ResourceNotFound.LaunchConfigurationIdNotFound',
      `The launch configuration \`${id}\` does not exist in ${context.region}.`
    )
  }
  const imageId = optionalString(params, 'ImageId')
  const family = optionalString(params, 'ImageFamily')
  if (imageId !== undefined) {
    const image = state.getImage(imageId)
    if (!image || image.region !== context.region || !state.isVisibleTo(image, context.accountId)) {
      throw new ApiError(
        'InvalidParameterValue.InvalidImageId',
        `The image \`${imageId}\` does not exist in ${context.region}.`
      )
    }
    lc.ImageId = imageId
    lc.ImageFamily = ''
  }
  if (family !== undefined) lc.ImageFamily = family
  const name = optionalString(params, 'LaunchConfigurationName')
  if (name !== undefined) lc.LaunchConfigurationName = name
  lc.UpdatedTime = isoSeconds(Date.now())
  lc.VersionNumber++
  return {}
}

export function describeAutoScalingGroups(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['AutoScalingGroupIds', 'Filters', 'Limit', 'Offset'])
  const query = selectByIdsOrFilters(params, 'AutoScalingGroupIds', {
    'auto-scaling-group-id': 'AutoScalingGroupId',
    'auto-scaling-group-name': 'AutoScalingGroupName',
    'launch-configuration-id': 'LaunchConfigurationId'
  })
  for (const id of query.ids ?? []) {
    if (!SCALING_GROUP_ID.test(id)) {
      throw new ApiError(
        'InvalidParameterValue.InvalidAutoScalingGroupId',
        `The scaling group id \`${id}\` is malformed.`
      )
    }
  }
  const activities = state.autoScaling.refreshActivities()
  const selected = own(context, state.autoScaling.groups.values())
    .filter(g => !query.ids || query.ids.includes(g.AutoScalingGroupId))
    .filter(g => matches(g, query.filters))
  return {
    TotalCount: selected.length,
    AutoScalingGroupSet: selected.slice(query.offset, query.offset + query.limit).map(g => {
      const busy = activities.some(
        a =>
          a.AutoScalingGroupId === g.AutoScalingGroupId &&
          state.autoScaling.view(a).Status === 'RUNNING'
      )
      return {
        AutoScalingGroupId: g.AutoScalingGroupId,
        AutoScalingGroupName: g.AutoScalingGroupName,
        AutoScalingGroupStatus: 'NORMAL',
        CreatedTime: g.CreatedTime,
        DesiredCapacity: g.instanceIds.length,
        EnabledStatus: 'ENABLED',
        InstanceCount: g.instanceIds.length,
        InServiceInstanceCount: g.instanceIds.length,
        LaunchConfigurationId: g.LaunchConfigurationId,
        LaunchConfigurationName:
          state.autoScaling.launchConfigurations.get(g.LaunchConfigurationId)
            ?.LaunchConfigurationName ?? '',
        MaxSize: Math.max(1, g.instanceIds.length * 2),
        MinSize: 0,
        InActivityStatus: busy ? 'IN_ACTIVITY' : 'NOT_IN_ACTIVITY'
      }
    })
  }
}

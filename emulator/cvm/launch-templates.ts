// CVM launch templates: versions of instance settings, one of them the default that RunInstances
// (and anything launching from the template) uses when no version is named.
import type { ActionContext, ActionResult } from '../action-context.ts'
import { ApiError, invalidParameterValue, missingParameter } from '../api-error.ts'
import { isoSeconds, newResourceId } from '../ids.ts'
import {
  optionalBoolean,
  optionalInteger,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  rejectUnknownParameters,
  wrongType,
  type Params
} from '../params.ts'
import { findVisibleImage } from './find-image.ts'

/** CreateLaunchTemplateVersion's documented limit: "每个实例启动模板最多创建30个版本". */
export const MAX_TEMPLATE_VERSIONS = 30
const TEMPLATE_ID = /^lt-[a-z0-9]{8}$/

/** The settings of a version that CreateLaunchTemplateVersion takes (LaunchTemplateVersionData). */
const DATA_PARAMETERS = [
  'Placement',
  'InstanceType',
  'ImageId',
  'SystemDisk',
  'DataDisks',
  'VirtualPrivateCloud',
  'InternetAccessible',
  'InstanceCount',
  'InstanceName',
  'LoginSettings',
  'SecurityGroupIds',
  'EnhancedService',
  'ClientToken',
  'HostName',
  'ActionTimer',
  'DisasterRecoverGroupIds',
  'TagSpecification',
  'InstanceMarketOptions',
  'UserData',
  'CamRoleName',
  'HpcClusterId',
  'InstanceChargeType',
  'InstanceChargePrepaid',
  'DisableApiTermination',
  'EnableJumboFrame',
  'Metadata',
  'TemplateDataModifyAction',
  'NetworkInterfaces'
] as const

export interface TemplateVersion {
  number: number
  data: Params
  description: string
  createdTime: string
}

export interface LaunchTemplateRecord {
  LaunchTemplateId: string
  LaunchTemplateName: string
  region: string
  ownerAccountId: string
  defaultVersion: number
  versions: Map<number, TemplateVersion>
  createdTime: string
}

export interface NewLaunchTemplate {
  id?: string
  name: string
  region: string
  ownerAccountId: string
  /** Version 1's settings; must hold Placement.Zone as the API requires. */
  data: Params
}

export class LaunchTemplateStore {
  private readonly templates = new Map<string, LaunchTemplateRecord>()

  add(input: NewLaunchTemplate): LaunchTemplateRecord {
    const createdTime = isoSeconds(Date.now())
    const template: LaunchTemplateRecord = {
      LaunchTemplateId: input.id ?? newResourceId('lt'),
      LaunchTemplateName: input.name,
      region: input.region,
      ownerAccountId: input.ownerAccountId,
      defaultVersion: 1,
      versions: new Map([
        [1, { number: 1, data: clone(input.data), description: '', createdTime }]
      ]),
      createdTime
    }
    this.templates.set(template.LaunchTemplateId, template)
    return template
  }

  get(id: string): LaunchTemplateRecord | undefined {
    return this.templates.get(id)
  }

  all(): LaunchTemplateRecord[] {
    return [...this.templates.values()]
  }

  /** The default version's settings, as a test reads what launches next. */
  defaultData(id: string): Params | undefined {
    const template = this.templates.get(id)
    return template && template.versions.get(template.defaultVersion)?.data
  }
}

function clone(value: Params): Params {
  return JSON.parse(JSON.stringify(value)) as Params
}

function latestVersion(template: LaunchTemplateRecord): number {
  return Math.max(...template.versions.keys())
}

function templateOf(context: ActionContext, id: string | undefined): LaunchTemplateRecord {
  if (id === undefined || id === '') throw missingParameter('LaunchTemplateId')
  if (!TEMPLATE_ID.test(id)) {
    throw new ApiError(
      'InvalidParameterValue.LaunchTemplateIdMalformed',
      `The launch template id \`${id}\` is malformed.`
    )
  }
  const template = context.state.launchTemplates.get(id)
  if (
    !template ||
    template.region !== context.region ||
    template.ownerAccountId !== context.accountId
  ) {
    throw new ApiError(
      'InvalidParameterValue.LaunchTemplateIdNotExisted',
      `The launch template \`${id}\` does not exist in ${context.region}.`
    )
  }
  return template
}

function versionOf(template: LaunchTemplateRecord, version: number): TemplateVersion {
  const found = template.versions.get(version)
  if (!found) {
    throw new ApiError(
      'InvalidParameterValue.LaunchTemplateIdVerNotExisted',
      `The launch template \`${template.LaunchTemplateId}\` has no version ${version}.`
    )
  }
  return found
}

function toApiTemplate(template: LaunchTemplateRecord): Record<string, unknown> {
  return {
    LaunchTemplateId: template.LaunchTemplateId,
    LaunchTemplateName: template.LaunchTemplateName,
    DefaultVersionNumber: template.defaultVersion,
    LatestVersionNumber: latestVersion(template),
    LaunchTemplateVersionCount: template.versions.size,
    CreatedBy: template.ownerAccountId,
    CreationTime: template.createdTime
  }
}

export function describeLaunchTemplates(context: ActionContext): ActionResult {
  const { params, state } = context
  rejectUnknownParameters(params, ['LaunchTemplateIds', 'Filters', 'Offset', 'Limit'])
  const ids = optionalStringArray(params, 'LaunchTemplateIds')
  const filters = optionalObjectArray(params, 'Filters')
  const offset = optionalInteger(params, 'Offset', { min: 0, max: 1_000_000 }) ?? 0
  const limit = optionalInteger(params, 'Limit', { min: 1, max: 100 }) ?? 20
  if (ids && filters) {
    throw invalidParameterValue(
      'LaunchTemplateIds',
      'LaunchTemplateIds and Filters cannot be combined'
    )
  }
  for (const id of ids ?? []) {
    if (!TEMPLATE_ID.test(id)) {
      throw new ApiError(
        'InvalidParameterValue.LaunchTemplateIdMalformed',
        `The launch template id \`${id}\` is malformed.`
      )
    }
  }
  const names = (filters ?? []).flatMap(filter => {
    if (filter.Name !== 'LaunchTemplateName') {
      throw new ApiError('InvalidFilter', `The filter \`${String(filter.Name)}\` is not supported.`)
    }
    return optionalStringArray(filter, 'Values') ?? []
  })
  const selected = state.launchTemplates
    .all()
    .filter(t => t.region === context.region && t.ownerAccountId === context.accountId)
    .filter(t => !ids || ids.includes(t.LaunchTemplateId))
    .filter(t => names.length === 0 || names.includes(t.LaunchTemplateName))
  return {
    TotalCount: selected.length,
    LaunchTemplateSet: selected.slice(offset, offset + limit).map(toApiTemplate)
  }
}

export function describeLaunchTemplateVersions(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, [
    'LaunchTemplateId',
    'LaunchTemplateVersions',
    'MinVersion',
    'MaxVersion',
    'Offset',
    'Limit',
    'DefaultVersion'
  ])
  const template = templateOf(context, optionalString(params, 'LaunchTemplateId'))
  const listed = params.LaunchTemplateVersions
  if (listed !== undefined && !Array.isArray(listed)) {
    throw wrongType('LaunchTemplateVersions', 'Array of Integer', listed)
  }
  const min = optionalInteger(params, 'MinVersion', { min: 1, max: 1_000_000 })
  const max = optionalInteger(params, 'MaxVersion', { min: 1, max: 1_000_000 })
  const offset = optionalInteger(params, 'Offset', { min: 0, max: 1_000_000 })
  const limit = optionalInteger(params, 'Limit', { min: 1, max: 100 })
  const onlyDefault = optionalBoolean(params, 'DefaultVersion') ?? false
  const others = [min, max, offset, limit].some(v => v !== undefined) || onlyDefault
  if (listed && others) {
    throw invalidParameterValue(
      'LaunchTemplateVersions',
      'it cannot be combined with MinVersion, MaxVersion, Limit, Offset or DefaultVersion'
    )
  }
  let versions = [...template.versions.values()].sort((a, b) => a.number - b.number)
  if (listed) {
    versions = (listed as unknown[]).map((n, i) => {
      if (typeof n !== 'number' || !Number.isInteger(n)) {
        throw wrongType(`LaunchTemplateVersions.${i}`, 'Integer', n)
      }
      return versionOf(template, n)
    })
  }
  if (onlyDefault) versions = versions.filter(v => v.number === template.defaultVersion)
  if (min !== undefined) versions = versions.filter(v => v.number >= min)
  if (max !== undefined) versions = versions.filter(v => v.number <= max)
  const page = versions.slice(offset ?? 0, (offset ?? 0) + (limit ?? 20))
  return {
    TotalCount: versions.length,
    LaunchTemplateVersionSet: page.map(v => ({
      LaunchTemplateId: template.LaunchTemplateId,
      LaunchTemplateVersion: v.number,
      LaunchTemplateVersionData: clone(v.data),
      LaunchTemplateVersionDescription: v.description,
      IsDefaultVersion: v.number === template.defaultVersion,
      CreationTime: v.createdTime,
      CreatedBy: template.ownerAccountId
    }))
  }
}

export function createLaunchTemplateVersion(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, [
    'LaunchTemplateId',
    'LaunchTemplateVersion',
    'LaunchTemplateVersionDescription',
    'DryRun',
    ...DATA_PARAMETERS
  ])
  const placement = params.Placement
  if (placement === undefined) throw missingParameter('Placement')
  if (typeof placement !== 'object' || placement === null || Array.isArray(placement)) {
    throw wrongType('Placement', 'Object', placement)
  }
  if (typeof (placement as Params).Zone !== 'string' || (placement as Params).Zone === '') {
    throw missingParameter('Placement.Zone')
  }
  const template = templateOf(context, optionalString(params, 'LaunchTemplateId'))
  const baseNumber =
    optionalInteger(params, 'LaunchTemplateVersion', { min: 1, max: 1_000_000 }) ??
    template.defaultVersion
  const base = versionOf(template, baseNumber)
  const description = optionalString(params, 'LaunchTemplateVersionDescription') ?? ''
  const dryRun = optionalBoolean(params, 'DryRun') ?? false
  const imageId = optionalString(params, 'ImageId')
  if (imageId !== undefined) findVisibleImage(context, imageId)
  if (template.versions.size >= MAX_TEMPLATE_VERSIONS) {
    throw new ApiError(
      'LimitExceeded.LaunchTemplateVersionQuota',
      `The launch template \`${template.LaunchTemplateId}\` has ${MAX_TEMPLATE_VERSIONS} versions, the most it may have; delete old versions first.`
    )
  }
  if (dryRun)
    throw new ApiError(
      'DryRunOperation',
      'The DryRun request would have succeeded, but the DryRun parameter was set.'
    )
  const data = clone(base.data)
  for (const name of DATA_PARAMETERS) if (params[name] !== undefined) data[name] = params[name]
  const number = latestVersion(template) + 1
  template.versions.set(number, {
    number,
    data: clone(data),
    description,
    createdTime: isoSeconds(Date.now())
  })
  return { LaunchTemplateVersionNumber: number }
}

export function modifyLaunchTemplateDefaultVersion(context: ActionContext): ActionResult {
  const { params } = context
  rejectUnknownParameters(params, ['LaunchTemplateId', 'DefaultVersion'])
  const template = templateOf(context, optionalString(params, 'LaunchTemplateId'))
  const version = optionalInteger(params, 'DefaultVersion', { min: 1, max: 1_000_000 })
  if (version === undefined) throw missingParameter('DefaultVersion')
  versionOf(template, version)
  if (version === template.defaultVersion) {
    throw new ApiError(
      'InvalidParameterValue.LaunchTemplateIdVerSetAlready',
      `Version ${version} is already the default of \`${template.LaunchTemplateId}\`.`
    )
  }
  template.defaultVersion = version
  return {}
}

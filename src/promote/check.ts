// Before anything changes: read every image, family, launch configuration, template and scaling
// group the run names, in every region, and decide what would change. A problem anywhere stops the
// run here, naming every resource at fault, so nothing is changed half-way for a typo.
import type {
  AutoScalingGroup,
  DescribeAutoScalingGroupsResponse,
  DescribeLaunchConfigurationsResponse,
  DescribeRefreshActivitiesResponse,
  LaunchConfiguration,
  RefreshActivity
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/as/v20180419/as_models.js'
import type {
  DescribeImageFromFamilyResponse,
  DescribeLaunchTemplatesResponse,
  DescribeLaunchTemplateVersionsResponse,
  Image,
  Placement
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { createdAt, listImages, listImagesById } from '../image/lookup.ts'
import { isReady } from '../image/states.ts'
import { ActionFailure } from '../runner/failure.ts'
import type { ApiClient } from '../tencent/client.ts'
import { request, type RetryContext } from '../tencent/retry.ts'
import type { PromoteConfig } from './inputs.ts'
import { isUnfinished } from './refresh.ts'

export interface FamilyPlan {
  name: string
  /** The image the family resolved to before the run, if any. */
  before?: string
  /** Put the promoted image in the family (it had none). */
  join: boolean
  /** Clear the promoted image's deprecation. */
  undeprecate: boolean
  /** Own images of the family to deprecate: every newer one, and the older ones with deprecate-older. */
  deprecate: string[]
}

export interface LaunchConfigurationPlan {
  id: string
  before: string
  change: boolean
}

export interface TemplatePlan {
  id: string
  /** The default version's image before the run. */
  before?: string
  defaultVersion: number
  /** The default version's Placement, which CreateLaunchTemplateVersion requires again. */
  placement: Placement
  change: boolean
}

export interface GroupPlan {
  id: string
  launchConfigurationId: string
  instanceCount: number
  /** The newest refresh activity before the run, if any. */
  lastRefresh?: RefreshActivity
}

export interface RegionPlan {
  region: string
  imageId: string
  family?: FamilyPlan
  launchConfigurations: LaunchConfigurationPlan[]
  templates: TemplatePlan[]
  groups: GroupPlan[]
}

export interface Clients {
  cvm: ApiClient
  as: ApiClient
}

/** The plan of every region, or an ActionFailure naming every problem found. */
export async function checkRegions(
  config: PromoteConfig,
  clientsFor: (region: string) => Clients,
  ctx: RetryContext
): Promise<RegionPlan[]> {
  const problems: string[] = []
  const plans = await Promise.all(
    Object.entries(config.images).map(([region, imageId]) =>
      checkRegion(config, region, imageId, clientsFor(region), ctx, problems)
    )
  )
  if (problems.length > 0) {
    throw new ActionFailure(
      'Nothing was promoted',
      `${problems.join(' ')} Nothing was changed in any region. Fix these and run again.`
    )
  }
  return plans
}

async function checkRegion(
  config: PromoteConfig,
  region: string,
  imageId: string,
  api: Clients,
  ctx: RetryContext,
  problems: string[]
): Promise<RegionPlan> {
  const { images } = await listImagesById(api.cvm, [imageId], ctx)
  const image = images[0]
  if (!image) {
    problems.push(`Image ${imageId} does not exist in ${region}.`)
  } else if (image.ImageType !== 'PRIVATE_IMAGE') {
    problems.push(
      `Image ${imageId} in ${region} is a ${image.ImageType ?? 'foreign'}, not one of your own custom images.`
    )
  } else if (!isReady(image.ImageState)) {
    problems.push(`Image ${imageId} in ${region} is ${image.ImageState}, not NORMAL.`)
  }
  const mine = <T extends { region: string }>(targets: T[]) =>
    targets.filter(t => t.region === region)
  const [family, launchConfigurations, templates, groups] = await Promise.all([
    config.family && image
      ? checkFamily(api.cvm, config.family, image, config.deprecateOlder, region, ctx, problems)
      : undefined,
    checkLaunchConfigurations(
      api.as,
      mine(config.launchConfigurations),
      imageId,
      region,
      ctx,
      problems
    ),
    checkTemplates(api.cvm, mine(config.launchTemplates), imageId, region, ctx, problems),
    checkGroups(api.as, mine(config.scalingGroups), region, ctx, problems)
  ])
  return { region, imageId, ...(family && { family }), launchConfigurations, templates, groups }
}

async function checkFamily(
  cvm: ApiClient,
  name: string,
  image: Image,
  deprecateOlder: boolean,
  region: string,
  ctx: RetryContext,
  problems: string[]
): Promise<FamilyPlan> {
  const current = await request<DescribeImageFromFamilyResponse>(
    cvm,
    'DescribeImageFromFamily',
    { ImageFamily: name },
    ctx
  )
  if (image.ImageFamily && image.ImageFamily !== name) {
    problems.push(
      `Image ${image.ImageId} in ${region} is in image family ${image.ImageFamily}, not ${name}; the action does not move an image out of its family.`
    )
  }
  // DescribeImages cannot filter by family: the account's own images are read and sorted here.
  const { images } = await listImages(cvm, [{ Name: 'image-type', Values: ['PRIVATE_IMAGE'] }], ctx)
  const promotedAt = createdAt(image) ?? 0
  const deprecate = images
    .filter(other => other.ImageFamily === name && other.ImageId !== image.ImageId)
    .filter(other => !other.ImageDeprecated)
    .filter(other => (createdAt(other) ?? 0) > promotedAt || deprecateOlder)
    .map(other => other.ImageId!)
  return {
    name,
    ...(current.Image?.ImageId && { before: current.Image.ImageId }),
    join: image.ImageFamily !== name,
    undeprecate: image.ImageDeprecated === true,
    deprecate
  }
}

async function checkLaunchConfigurations(
  as: ApiClient,
  targets: { id: string }[],
  imageId: string,
  region: string,
  ctx: RetryContext,
  problems: string[]
): Promise<LaunchConfigurationPlan[]> {
  if (targets.length === 0) return []
  const answer = await request<DescribeLaunchConfigurationsResponse>(
    as,
    'DescribeLaunchConfigurations',
    { LaunchConfigurationIds: targets.map(t => t.id), Limit: 100 },
    ctx
  )
  const found = new Map<string, LaunchConfiguration>(
    (answer.LaunchConfigurationSet ?? []).map(lc => [lc.LaunchConfigurationId ?? '', lc])
  )
  const plans: LaunchConfigurationPlan[] = []
  for (const { id } of targets) {
    const lc = found.get(id)
    if (!lc) {
      problems.push(`Launch configuration ${id} does not exist in ${region}.`)
      continue
    }
    const before = lc.ImageId ?? ''
    plans.push({ id, before, change: before !== imageId })
  }
  return plans
}

async function checkTemplates(
  cvm: ApiClient,
  targets: { id: string }[],
  imageId: string,
  region: string,
  ctx: RetryContext,
  problems: string[]
): Promise<TemplatePlan[]> {
  if (targets.length === 0) return []
  const answer = await request<DescribeLaunchTemplatesResponse>(
    cvm,
    'DescribeLaunchTemplates',
    { LaunchTemplateIds: targets.map(t => t.id), Limit: 100 },
    ctx
  )
  const known = new Set((answer.LaunchTemplateSet ?? []).map(t => t.LaunchTemplateId))
  const plans: TemplatePlan[] = []
  for (const { id } of targets) {
    if (!known.has(id)) {
      problems.push(`Launch template ${id} does not exist in ${region}.`)
      continue
    }
    const versions = await request<DescribeLaunchTemplateVersionsResponse>(
      cvm,
      'DescribeLaunchTemplateVersions',
      { LaunchTemplateId: id, DefaultVersion: true },
      ctx
    )
    const version = versions.LaunchTemplateVersionSet?.[0]
    const data = version?.LaunchTemplateVersionData
    if (!version?.LaunchTemplateVersion || !data?.Placement) {
      problems.push(
        `Launch template ${id} in ${region} has no default version with a Placement to base a new version on.`
      )
      continue
    }
    plans.push({
      id,
      ...(data.ImageId && { before: data.ImageId }),
      defaultVersion: Number(version.LaunchTemplateVersion),
      placement: data.Placement,
      change: data.ImageId !== imageId
    })
  }
  return plans
}

async function checkGroups(
  as: ApiClient,
  targets: { id: string }[],
  region: string,
  ctx: RetryContext,
  problems: string[]
): Promise<GroupPlan[]> {
  if (targets.length === 0) return []
  const answer = await request<DescribeAutoScalingGroupsResponse>(
    as,
    'DescribeAutoScalingGroups',
    { AutoScalingGroupIds: targets.map(t => t.id), Limit: 100 },
    ctx
  )
  const found = new Map<string, AutoScalingGroup>(
    (answer.AutoScalingGroupSet ?? []).map(g => [g.AutoScalingGroupId ?? '', g])
  )
  const plans: GroupPlan[] = []
  for (const { id } of targets) {
    const group = found.get(id)
    if (!group) {
      problems.push(`Scaling group ${id} does not exist in ${region}.`)
      continue
    }
    const activities = await request<DescribeRefreshActivitiesResponse>(
      as,
      'DescribeRefreshActivities',
      { Filters: [{ Name: 'auto-scaling-group-id', Values: [id] }], Limit: 100 },
      ctx
    )
    const lastRefresh = newest(activities.RefreshActivitySet ?? [])
    if (lastRefresh && isUnfinished(lastRefresh.Status)) {
      problems.push(
        `Scaling group ${id} in ${region} has refresh ${lastRefresh.RefreshActivityId} ${lastRefresh.Status}: let it finish, or cancel it (CancelInstanceRefresh), before promoting.`
      )
    }
    plans.push({
      id,
      launchConfigurationId: group.LaunchConfigurationId ?? '',
      instanceCount: group.InstanceCount ?? 0,
      ...(lastRefresh && { lastRefresh })
    })
  }
  return plans
}

/** The API does not document the order of DescribeRefreshActivities: the newest is looked for. */
function newest(activities: RefreshActivity[]): RefreshActivity | undefined {
  const time = (a: RefreshActivity) => Date.parse(a.CreatedTime ?? '') || 0
  return [...activities].sort((a, b) => time(b) - time(a))[0]
}

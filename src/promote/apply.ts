// The changes of one region, in the order that keeps it consistent for anything launching
// meanwhile: the family first, then launch configurations, then launch templates. Each change is
// recorded as soon as the API confirms it, so a failure can say exactly what was changed.
import type {
  CreateLaunchTemplateVersionResponse,
  DescribeImageFromFamilyResponse,
  DescribeLaunchTemplateVersionsResponse
} from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { ActionFailure } from '../runner/failure.ts'
import { log } from '../runner/log.ts'
import { classify, answerMayBeLost } from '../tencent/errors.ts'
import { callOptions, request, withRetry, type RetryContext } from '../tencent/retry.ts'
import type { ApiClient } from '../tencent/client.ts'
import type { Clients, RegionPlan, TemplatePlan } from './check.ts'

export interface RegionOutcome {
  /** What the family resolves to after the run. */
  familyAfter?: string
  /** Template id -> its default version after the run. */
  templateVersions: Record<string, number>
  /** Every change made, in words, in the order made. */
  changes: string[]
}

export async function applyRegion(
  plan: RegionPlan,
  api: Clients,
  marker: string,
  ctx: RetryContext,
  outcome: RegionOutcome
): Promise<void> {
  const { region, imageId } = plan
  const note = (change: string) => {
    outcome.changes.push(`${region}: ${change}`)
    log.info(`${region}: ${change}.`)
  }
  if (plan.family) {
    const family = plan.family
    if (family.join || family.undeprecate) {
      await request(
        api.cvm,
        'ModifyImageAttribute',
        {
          ImageId: imageId,
          ...(family.join && { ImageFamily: family.name }),
          ...(family.undeprecate && { ImageDeprecated: false })
        },
        ctx
      )
      note(
        `image ${imageId} ${[family.join && `put in family ${family.name}`, family.undeprecate && 'no longer deprecated'].filter(Boolean).join(' and ')}`
      )
    }
    for (const other of family.deprecate) {
      await request(api.cvm, 'ModifyImageAttribute', { ImageId: other, ImageDeprecated: true }, ctx)
      note(`image ${other} of family ${family.name} deprecated`)
    }
    const resolved = await request<DescribeImageFromFamilyResponse>(
      api.cvm,
      'DescribeImageFromFamily',
      { ImageFamily: family.name },
      ctx
    )
    outcome.familyAfter = resolved.Image?.ImageId
    if (resolved.Image?.ImageId !== imageId) {
      throw new ActionFailure(
        'Image family check failed',
        `Image family ${family.name} in ${region} resolves to ${resolved.Image?.ImageId ?? 'no image'}, not ${imageId} (DescribeImageFromFamily, RequestId ${resolved.RequestId ?? 'unknown'}). Check the family's images in ${region}: one the action cannot see or change may be newer.`
      )
    }
  }
  for (const lc of plan.launchConfigurations.filter(lc => lc.change)) {
    await request(
      api.as,
      'ModifyLaunchConfigurationAttributes',
      { LaunchConfigurationId: lc.id, ImageId: imageId },
      ctx
    )
    note(`launch configuration ${lc.id} ImageId ${lc.before || 'none'} -> ${imageId}`)
  }
  for (const template of plan.templates) {
    if (!template.change) {
      outcome.templateVersions[template.id] = template.defaultVersion
      continue
    }
    const version = await createVersion(api.cvm, template, imageId, marker, ctx)
    note(
      `launch template ${template.id} version ${version} made from version ${template.defaultVersion} with ${imageId}`
    )
    await setDefault(api.cvm, template.id, version, ctx)
    outcome.templateVersions[template.id] = version
    note(`launch template ${template.id} default version ${template.defaultVersion} -> ${version}`)
  }
}

/**
 * CreateLaunchTemplateVersion makes a new version each time it is carried out, so a request whose
 * answer was lost is looked for (by the run's description) before it is sent again.
 */
async function createVersion(
  cvm: ApiClient,
  template: TemplatePlan,
  imageId: string,
  marker: string,
  ctx: RetryContext
): Promise<number> {
  const description = `${marker}: ${imageId}`
  const params = {
    LaunchTemplateId: template.id,
    LaunchTemplateVersion: template.defaultVersion,
    LaunchTemplateVersionDescription: description,
    Placement: template.placement,
    ImageId: imageId
  }
  return withRetry(
    'CreateLaunchTemplateVersion',
    async attempt => {
      if (attempt.previous.some(answerMayBeLost)) {
        const made = await findVersion(cvm, template.id, description, ctx)
        if (made !== undefined) return made
      }
      const answer = await cvm.call<CreateLaunchTemplateVersionResponse>(
        'CreateLaunchTemplateVersion',
        params,
        callOptions(ctx)
      )
      return Number(answer.LaunchTemplateVersionNumber)
    },
    ctx
  )
}

async function findVersion(
  cvm: ApiClient,
  templateId: string,
  description: string,
  ctx: RetryContext
): Promise<number | undefined> {
  const answer = await request<DescribeLaunchTemplateVersionsResponse>(
    cvm,
    'DescribeLaunchTemplateVersions',
    { LaunchTemplateId: templateId, Limit: 100 },
    ctx
  )
  const found = (answer.LaunchTemplateVersionSet ?? []).find(
    v => v.LaunchTemplateVersionDescription === description
  )
  return found?.LaunchTemplateVersion === undefined
    ? undefined
    : Number(found.LaunchTemplateVersion)
}

/** A resend after a lost answer may find the version already the default: that is success. */
async function setDefault(
  cvm: ApiClient,
  templateId: string,
  version: number,
  ctx: RetryContext
): Promise<void> {
  await withRetry(
    'ModifyLaunchTemplateDefaultVersion',
    async attempt => {
      try {
        await cvm.call(
          'ModifyLaunchTemplateDefaultVersion',
          { LaunchTemplateId: templateId, DefaultVersion: version },
          callOptions(ctx)
        )
      } catch (error) {
        const resent = attempt.previous.some(answerMayBeLost)
        if (
          resent &&
          classify(error).code === 'InvalidParameterValue.LaunchTemplateIdVerSetAlready'
        )
          return
        throw error
      }
    },
    ctx
  )
}

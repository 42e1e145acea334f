// What launches instances: CVM launch templates and image families, Auto Scaling launch
// configurations and instance refreshes, through the real SDK clients as the SDK models shape them.
import { afterEach, describe, expect, it } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import type { Emulator } from '../../emulator/index.ts'
import { LAUNCH_SEED } from '../../emulator/index.ts'
import { SEED, TEST_CREDENTIALS, cvmClient, emulator, expectCode, sleep } from './support.ts'

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

const GZ = LAUNCH_SEED['ap-guangzhou']

function asClient(region = SEED.region): CommonClient {
  return new CommonClient(emu.endpoint, '2018-04-19', {
    credential: TEST_CREDENTIALS,
    region,
    profile: { httpProfile: { endpoint: emu.endpoint, protocol: 'http://', reqTimeout: 5 } }
  })
}

type Answer = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function refreshOf(as: CommonClient, id: string): Promise<Answer> {
  const answer = (await as.request('DescribeRefreshActivities', {
    RefreshActivityIds: [id]
  })) as Answer
  return answer.RefreshActivitySet[0] as Answer
}

async function settled(as: CommonClient, id: string): Promise<Answer> {
  for (let i = 0; i < 100; i++) {
    const activity = await refreshOf(as, id)
    if (activity.Status !== 'RUNNING') return activity
    await sleep(50)
  }
  throw new Error('the refresh never ended')
}

describe('launch templates', () => {
  it('makes a version from the default with the image replaced, which then becomes the default', async () => {
    emu = await emulator()
    const cvm = cvmClient(emu)
    await expectCode(
      cvm.CreateLaunchTemplateVersion({ LaunchTemplateId: GZ.launchTemplate } as never),
      'MissingParameter'
    )
    const created = await cvm.CreateLaunchTemplateVersion({
      LaunchTemplateId: GZ.launchTemplate,
      Placement: { Zone: GZ.zone },
      ImageId: SEED.images.own
    })
    expect(created.LaunchTemplateVersionNumber).toBe(2)
    const before = await cvm.DescribeLaunchTemplateVersions({
      LaunchTemplateId: GZ.launchTemplate,
      DefaultVersion: true
    })
    expect(before.LaunchTemplateVersionSet?.map(v => v.LaunchTemplateVersion)).toEqual([1])
    await cvm.ModifyLaunchTemplateDefaultVersion({
      LaunchTemplateId: GZ.launchTemplate,
      DefaultVersion: 2
    })
    const after = await cvm.DescribeLaunchTemplateVersions({
      LaunchTemplateId: GZ.launchTemplate,
      DefaultVersion: true
    })
    const data = after.LaunchTemplateVersionSet?.[0]?.LaunchTemplateVersionData
    expect(data).toMatchObject({ ImageId: SEED.images.own, InstanceType: 'S5.MEDIUM4' })
    // A given Placement replaces the base version's whole, so callers pass the base's own.
    expect(data?.Placement).toEqual({ Zone: GZ.zone })
    const listed = await cvm.DescribeLaunchTemplates({ LaunchTemplateIds: [GZ.launchTemplate] })
    expect(listed.LaunchTemplateSet?.[0]).toMatchObject({
      DefaultVersionNumber: 2,
      LatestVersionNumber: 2
    })
  })

  it('answers the documented codes for an unknown template or version', async () => {
    emu = await emulator()
    const cvm = cvmClient(emu)
    await expectCode(
      cvm.DescribeLaunchTemplateVersions({ LaunchTemplateId: 'lt-00000000' }),
      'InvalidParameterValue.LaunchTemplateIdNotExisted'
    )
    await expectCode(
      cvm.ModifyLaunchTemplateDefaultVersion({
        LaunchTemplateId: GZ.launchTemplate,
        DefaultVersion: 9
      }),
      'InvalidParameterValue.LaunchTemplateIdVerNotExisted'
    )
    await expectCode(
      cvm.DescribeLaunchTemplates({ LaunchTemplateIds: ['lt-bad'] }),
      'InvalidParameterValue.LaunchTemplateIdMalformed'
    )
    const none = await cvm.DescribeLaunchTemplates({ LaunchTemplateIds: ['lt-00000000'] })
    expect(none.LaunchTemplateSet).toEqual([])
  })
})

describe('image families', () => {
  it('resolve to the newest NORMAL image that is not deprecated, or to none', async () => {
    emu = await emulator()
    const cvm = cvmClient(emu)
    const family = await cvm.DescribeImageFromFamily({ ImageFamily: 'app-base' })
    expect(family.Image?.ImageId).toBe(SEED.images.own)
    await cvm.ModifyImageAttribute({ ImageId: SEED.images.own, ImageDeprecated: true })
    const rolledBack = await cvm.DescribeImageFromFamily({ ImageFamily: 'app-base' })
    expect(rolledBack.Image?.ImageId).toBe(SEED.images.ownOld)
    const none = await cvm.DescribeImageFromFamily({ ImageFamily: 'nothing-here' })
    expect(none.Image).toBeUndefined()
    await expectCode(
      cvm.ModifyImageAttribute({ ImageId: SEED.images.public, ImageFamily: 'app-base' }),
      'UnauthorizedOperation.ImageNotBelongToAccount'
    )
  })
})

describe('auto scaling', () => {
  it('points a launch configuration at an image, and refuses unknown ids with their codes', async () => {
    emu = await emulator()
    const as = asClient()
    await as.request('ModifyLaunchConfigurationAttributes', {
      LaunchConfigurationId: GZ.launchConfiguration,
      ImageId: SEED.images.own
    })
    const listed = (await as.request('DescribeLaunchConfigurations', {
      LaunchConfigurationIds: [GZ.launchConfiguration, 'asc-00000000']
    })) as Answer
    expect(
      listed.LaunchConfigurationSet.map((lc: Answer) => [lc.LaunchConfigurationId, lc.ImageId])
    ).toEqual([[GZ.launchConfiguration, SEED.images.own]])
    await expectCode(
      as.request('ModifyLaunchConfigurationAttributes', {
        LaunchConfigurationId: 'asc-00000000',
        ImageId: SEED.images.own
      }),
      'ResourceNotFound.LaunchConfigurationIdNotFound'
    )
    await expectCode(
      as.request('StartInstanceRefresh', {
        AutoScalingGroupId: 'asg-00000000',
        RefreshSettings: { RollingUpdateSettings: { BatchNumber: 1 } }
      }),
      'ResourceNotFound.AutoScalingGroupNotFound'
    )
    const groups = (await as.request('DescribeAutoScalingGroups', {
      AutoScalingGroupIds: [GZ.scalingGroup]
    })) as Answer
    expect(groups.AutoScalingGroupSet[0]).toMatchObject({
      LaunchConfigurationId: GZ.launchConfiguration,
      InstanceCount: 2
    })
  })

  it('runs a refresh batch by batch to SUCCESSFUL, one at a time per group', async () => {
    emu = await emulator()
    emu.state.autoScaling.batchMs = 100
    const as = asClient()
    const settings = { RollingUpdateSettings: { BatchNumber: 2 } }
    const { RefreshActivityId: id } = (await as.request('StartInstanceRefresh', {
      AutoScalingGroupId: GZ.scalingGroup,
      RefreshSettings: settings
    })) as Answer
    expect(id).toMatch(/^asr-[a-z0-9]{8}$/)
    expect(await refreshOf(as, id)).toMatchObject({ Status: 'RUNNING', CurrentRefreshBatchNum: 1 })
    await expectCode(
      as.request('StartInstanceRefresh', {
        AutoScalingGroupId: GZ.scalingGroup,
        RefreshSettings: settings
      }),
      'FailedOperation.InstanceRefreshInProgress'
    )
    const done = await settled(as, id)
    expect(done).toMatchObject({ Status: 'SUCCESSFUL', ActivityType: 'NORMAL' })
    expect(done.RefreshBatchSet.map((b: Answer) => b.RefreshBatchStatus)).toEqual([
      'SUCCESSFUL',
      'SUCCESSFUL'
    ])
  })

  it('fails a refresh with the instance status message: paused, or rolled back by a ROLLBACK activity', async () => {
    emu = await emulator()
    emu.state.autoScaling.batchMs = 100
    emu.state.autoScaling.groups.get(GZ.scalingGroup)!.failRefresh = 'health check failed'
    const as = asClient()
    const start = (failProcess: string) =>
      as.request('StartInstanceRefresh', {
        AutoScalingGroupId: GZ.scalingGroup,
        RefreshSettings: { RollingUpdateSettings: { BatchNumber: 1, FailProcess: failProcess } }
      }) as Promise<Answer>
    const paused = await settled(as, (await start('AUTO_PAUSE')).RefreshActivityId)
    expect(paused.Status).toBe('FAILED_PAUSE')
    const instance = paused.RefreshBatchSet[0].RefreshBatchRelatedInstanceSet[0]
    expect(instance).toMatchObject({
      InstanceStatus: 'FAILED',
      InstanceStatusMessage: 'health check failed'
    })

    emu.state.autoScaling.groups.get(GZ.scalingGroup)!.failRefresh = 'user data failed'
    emu.state.autoScaling.refreshActivities().forEach(a => (a.cancelled = true))
    const failed = await settled(as, (await start('AUTO_ROLLBACK')).RefreshActivityId)
    expect(failed.Status).toBe('FAILED')
    const all = (await as.request('DescribeRefreshActivities', {
      Filters: [
        { Name: 'auto-scaling-group-id', Values: [GZ.scalingGroup] },
        { Name: 'refresh-activity-type', Values: ['ROLLBACK'] }
      ]
    })) as Answer
    expect(all.RefreshActivitySet).toHaveLength(1)
    expect(all.RefreshActivitySet[0]).toMatchObject({
      ActivityType: 'ROLLBACK',
      OriginRefreshActivityId: failed.RefreshActivityId
    })
  })
})

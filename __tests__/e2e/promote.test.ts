// The promote action: promote/dist/index.js, run as the runner runs `uses: <repo>/promote@v1`,
// against the emulator's CVM and Auto Scaling.
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { LAUNCH_SEED } from '../../emulator/index.ts'
import { runAction } from '../../harness/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  calls,
  emulatorFixture,
  errorAnnotations,
  expectNoSecrets
} from './support.ts'

const start = emulatorFixture()
const GZ = LAUNCH_SEED['ap-guangzhou']
const SH = LAUNCH_SEED['ap-shanghai']
const CHANGES = [
  'ModifyImageAttribute',
  'ModifyLaunchConfigurationAttributes',
  'CreateLaunchTemplateVersion',
  'ModifyLaunchTemplateDefaultVersion',
  'StartInstanceRefresh'
]

function runPromote(
  emu: Emulator,
  inputs: Record<string, string>,
  extra: { cancelAfterMs?: number } = {}
) {
  return runAction({
    actionDir: 'promote',
    timeoutMs: 60_000,
    ...extra,
    inputs: {
      endpoint: emu.url,
      'as-endpoint': emu.url,
      'secret-id': TEST_CREDENTIALS.secretId,
      'secret-key': TEST_CREDENTIALS.secretKey,
      'poll-interval-seconds': '0.1',
      'wait-timeout-seconds': '30',
      ...inputs
    }
  })
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
function addRelease(emu: Emulator, name: string, minutesAgo: number, region: string = SEED.region) {
  return emu.state.addImage({ name, region, createdTime: iso(Date.now() - minutesAgo * 60_000) })
    .ImageId
}
const everything = (region: string) => {
  const seed = region === SEED.region ? GZ : SH
  return {
    'image-family': 'app-base',
    'launch-configurations': `${region}:${seed.launchConfiguration}`,
    'launch-templates': `${region}:${seed.launchTemplate}`,
    'refresh-scaling-groups': `${region}:${seed.scalingGroup}`
  }
}
const json = (run: { outputs: Record<string, string> }, name: string) =>
  JSON.parse(run.outputs[name] ?? 'null') as Record<string, unknown>
const changes = (emu: Emulator) => emu.calls.filter(c => CHANGES.includes(c.action))

describe('promote action', () => {
  it('points the family, launch configuration and template at the image and refreshes the group', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 150
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      ...everything(SEED.region),
      'refresh-batches': '2'
    })
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(emu.state.getImage(image)).toMatchObject({
      ImageFamily: 'app-base',
      ImageDeprecated: false
    })
    expect(emu.state.autoScaling.launchConfigurations.get(GZ.launchConfiguration)?.ImageId).toBe(
      image
    )
    const data = emu.state.launchTemplates.defaultData(GZ.launchTemplate)
    expect(data).toMatchObject({ ImageId: image, InstanceType: 'S5.MEDIUM4' })
    // The base version's whole Placement is carried over, as CreateLaunchTemplateVersion needs it.
    expect(data?.Placement).toEqual({ Zone: GZ.zone, ProjectId: 0 })
    const [refresh] = calls(emu, 'StartInstanceRefresh')
    expect(refresh?.params).toEqual({
      AutoScalingGroupId: GZ.scalingGroup,
      RefreshMode: 'ROLLING_UPDATE_RESET',
      RefreshSettings: {
        RollingUpdateSettings: {
          BatchNumber: 2,
          BatchPause: 'AUTOMATIC',
          FailProcess: 'AUTO_ROLLBACK'
        }
      }
    })
    expect(json(run, 'family-images')).toEqual({ [SEED.region]: image })
    expect(json(run, 'launch-template-versions')).toEqual({ [GZ.launchTemplate]: 2 })
    // The family pointed at app-base-2025 before; the launch configuration and template at the
    // public image: previous names the family's, and the log says they differed.
    expect(json(run, 'previous')).toEqual({ [SEED.region]: SEED.images.own })
    expect(run.stdout).toContain('pointed at different images before')
    expect(run.stdout).toMatch(/Refresh asr-[a-z0-9]{8} of asg-7web4gz1 in ap-guangzhou succeeded/)
    expect(run.summary).toContain('Image promoted')
    expect(run.summary).toContain(`app-base: ${SEED.images.own} → ${image}`)
    expect(run.summary).toContain(`${GZ.launchTemplate}: v1 ${GZ.image} → v2 ${image}`)
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey])
  })

  it('rolls back by promoting previous: the newer image is deprecated and everything points back', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 50
    const older = addRelease(emu, 'app-1.0', 10)
    const newer = addRelease(emu, 'app-2.0', 5)
    const inputs = { ...everything(SEED.region), 'deprecate-older': 'true' }
    const first = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: older }),
      ...inputs
    })
    expect(first.exitCode).toBe(0)
    const second = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: newer }),
      ...inputs
    })
    expect(second.exitCode).toBe(0)
    expect(json(second, 'previous')).toEqual({ [SEED.region]: older })

    const rollback = await runPromote(emu, { images: second.outputs.previous!, ...inputs })
    expect(errorAnnotations(rollback)).toEqual([])
    expect(rollback.exitCode).toBe(0)
    expect(emu.state.getImage(newer)?.ImageDeprecated).toBe(true)
    expect(emu.state.getImage(older)?.ImageDeprecated).toBe(false)
    expect(json(rollback, 'family-images')).toEqual({ [SEED.region]: older })
    expect(emu.state.autoScaling.launchConfigurations.get(GZ.launchConfiguration)?.ImageId).toBe(
      older
    )
    expect(emu.state.launchTemplates.defaultData(GZ.launchTemplate)?.ImageId).toBe(older)
    expect(json(rollback, 'launch-template-versions')).toEqual({ [GZ.launchTemplate]: 4 })
    expect(json(rollback, 'previous')).toEqual({ [SEED.region]: newer })
  })

  it('fails clearly when the family does not resolve to the promoted image afterwards', async () => {
    const emu = await start()
    const image = addRelease(emu, 'app-3.0', 1)
    // The check before any change passes; the one after is answered with another image.
    emu.faults.add({ action: 'DescribeImageFromFamily', latencyMs: 1 })
    emu.faults.add({
      action: 'DescribeImageFromFamily',
      body: JSON.stringify({
        Response: {
          Image: { ImageId: SEED.images.ownOld, ImageFamily: 'app-base' },
          RequestId: 'req-family'
        }
      })
    })
    const run = await runPromote(emu, {
      'image-id': image,
      region: SEED.region,
      'image-family': 'app-base'
    })
    expect(run.exitCode).toBe(1)
    const [error] = errorAnnotations(run)
    expect(error?.title).toBe('Image family check failed')
    expect(error?.message).toContain(
      `Image family app-base in ap-guangzhou resolves to ${SEED.images.ownOld}, not ${image}`
    )
    expect(error?.message).toContain('req-family')
    expect(error?.message).toContain(`image ${image} put in family app-base`)
  })

  it('changes nothing when run again: no new template version, no refresh', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 50
    const image = addRelease(emu, 'app-3.0', 1)
    const inputs = { images: JSON.stringify({ [SEED.region]: image }), ...everything(SEED.region) }
    expect((await runPromote(emu, inputs)).exitCode).toBe(0)
    const before = changes(emu).length
    expect(before).toBeGreaterThan(0)
    const again = await runPromote(emu, inputs)
    expect(again.exitCode).toBe(0)
    expect(changes(emu).slice(before)).toEqual([])
    expect(json(again, 'launch-template-versions')).toEqual({ [GZ.launchTemplate]: 2 })
    expect(json(again, 'previous')).toEqual({ [SEED.region]: image })
    expect(again.stdout).toContain(`launch template ${GZ.launchTemplate} v2 already has ${image}`)
    expect(again.stdout).toContain('not refreshed: nothing changed')
  })

  it('dry run: checks everything, says what would change, changes nothing', async () => {
    const emu = await start()
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      ...everything(SEED.region),
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(changes(emu)).toEqual([])
    expect(calls(emu, 'DescribeLaunchTemplateVersions')).toHaveLength(1)
    expect(calls(emu, 'DescribeAutoScalingGroups')).toHaveLength(1)
    expect(run.stdout).toContain(
      `would set launch configuration ${GZ.launchConfiguration} to ${image}`
    )
    expect(run.stdout).toContain(`would put ${image} in family app-base`)
    expect(json(run, 'launch-template-versions')).toEqual({})
    expect(json(run, 'previous')).toEqual({ [SEED.region]: SEED.images.own })
    expect(run.summary).toContain('dry run: nothing was changed')
  })

  it('fails before any change when a resource is missing, naming each', async () => {
    const emu = await start()
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      'image-family': 'app-base',
      'launch-configurations': `${GZ.launchConfiguration}, asc-00000000`,
      'launch-templates': 'lt-00000000',
      'refresh-scaling-groups': 'asg-00000000'
    })
    expect(run.exitCode).toBe(1)
    expect(changes(emu)).toEqual([])
    const [error] = errorAnnotations(run)
    expect(error?.title).toBe('Nothing was promoted')
    for (const text of [
      'Launch configuration asc-00000000 does not exist in ap-guangzhou.',
      'Launch template lt-00000000 does not exist in ap-guangzhou.',
      'Scaling group asg-00000000 does not exist in ap-guangzhou.',
      'Nothing was changed in any region.'
    ]) {
      expect(error?.message).toContain(text)
    }
  })

  it('refuses bad input before the first call, naming the input', async () => {
    const emu = await start()
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: 'img-aaaaaaaa' }),
      'launch-templates': 'ap-shanghai:lt-7web4sh1'
    })
    expect(run.exitCode).toBe(1)
    expect(emu.calls).toEqual([])
    expect(errorAnnotations(run)[0]?.message).toContain(
      "Input 'launch-templates': 'ap-shanghai:lt-7web4sh1' is in ap-shanghai, which has no image in images"
    )
  })

  it('a failing region: the error names it and what was changed, and previous is set', async () => {
    const emu = await start()
    const gz = addRelease(emu, 'app-3.0', 1)
    const sh = addRelease(emu, 'app-3.0', 1, 'ap-shanghai')
    emu.faults.add({
      action: 'ModifyLaunchConfigurationAttributes',
      region: 'ap-shanghai',
      code: 'InvalidParameterValue.InvalidImageId',
      message: 'The image is not available to Auto Scaling.'
    })
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: gz, 'ap-shanghai': sh }),
      'launch-configurations': `${GZ.launchConfiguration}, ap-shanghai:${SH.launchConfiguration}`
    })
    expect(run.exitCode).toBe(1)
    const [error] = errorAnnotations(run)
    expect(error?.message).toContain(
      'Promotion failed in ap-shanghai: ModifyLaunchConfigurationAttributes failed'
    )
    expect(error?.message).toContain('InvalidParameterValue.InvalidImageId')
    expect(error?.message).toContain(
      `Changed so far: ap-guangzhou: launch configuration ${GZ.launchConfiguration} ImageId ${GZ.image} -> ${gz}.`
    )
    expect(json(run, 'previous')).toEqual({ [SEED.region]: GZ.image, 'ap-shanghai': SH.image })
    expect(emu.state.autoScaling.launchConfigurations.get(SH.launchConfiguration)?.ImageId).toBe(
      SH.image
    )
  })

  it.each([
    [
      'CreateLaunchTemplateVersion',
      'InvalidParameterValue.LaunchTemplateIdVerNotExisted',
      'The launch template has no such version (it may have been deleted meanwhile)'
    ],
    [
      'ModifyLaunchTemplateDefaultVersion',
      'InvalidParameterValue.LaunchTemplateIdNotExisted',
      'No launch template with this id exists in this region'
    ],
    [
      'ModifyLaunchConfigurationAttributes',
      'ResourceNotFound.LaunchConfigurationIdNotFound',
      'No launch configuration with this id exists in this region'
    ],
    [
      'StartInstanceRefresh',
      'ResourceNotFound.AutoScalingGroupNotFound',
      'No scaling group with this id exists in this region'
    ]
  ])('explains %s failing with %s', async (action, code, meaning) => {
    const emu = await start()
    const image = addRelease(emu, 'app-3.0', 1)
    emu.faults.add({ action, code, message: 'refused' })
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      ...everything(SEED.region)
    })
    expect(run.exitCode).toBe(1)
    const [error] = errorAnnotations(run)
    expect(error?.message).toContain(`${action} failed: ${meaning}. ${code}: refused.`)
    expect(error?.message).toMatch(/RequestId: [\w-]+\. Check |RequestId: [\w-]+\. Run again/)
  })

  it('a failed refresh fails the step with its status and reason, and says Auto Scaling rolls back', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 100
    emu.state.autoScaling.groups.get(GZ.scalingGroup)!.failRefresh =
      'health check failed on port 80'
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      'launch-configurations': GZ.launchConfiguration,
      'refresh-scaling-groups': GZ.scalingGroup
    })
    expect(run.exitCode).toBe(1)
    const [error] = errorAnnotations(run)
    expect(error?.title).toBe('Instance refresh FAILED')
    expect(error?.message).toMatch(
      /Refresh asr-[a-z0-9]{8} of asg-7web4gz1 in ap-guangzhou is FAILED: instance ins-7asggz01: health check failed on port 80/
    )
    expect(error?.message).toContain('Auto Scaling is rolling back')
    expect(run.summary).toContain('health check failed on port 80')
  })

  it('reports a running refresh about every progress interval', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 1_200
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(emu, {
      images: JSON.stringify({ [SEED.region]: image }),
      'launch-configurations': GZ.launchConfiguration,
      'refresh-scaling-groups': GZ.scalingGroup,
      'refresh-batches': '2',
      'progress-interval-seconds': '0.5'
    })
    expect(run.exitCode).toBe(0)
    const progress = run.stdout
      .split('\n')
      .filter(line =>
        /Refresh asr-\w+ of asg-7web4gz1 in ap-guangzhou: RUNNING, batch \d of 2/.test(line)
      )
    // 2.4 s of refresh at one line per 0.5 s; generous bounds for a busy machine.
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.length).toBeLessThanOrEqual(8)
  })

  it('on cancellation says the refresh goes on and how to cancel it', async () => {
    const emu = await start()
    emu.state.autoScaling.batchMs = 20_000
    const image = addRelease(emu, 'app-3.0', 1)
    const run = await runPromote(
      emu,
      {
        images: JSON.stringify({ [SEED.region]: image }),
        'launch-configurations': GZ.launchConfiguration,
        'refresh-scaling-groups': GZ.scalingGroup
      },
      { cancelAfterMs: 3_000 }
    )
    expect(run.cancelled).toBe(true)
    expect(run.exitCode).not.toBe(0)
    const [error] = errorAnnotations(run)
    expect(error?.title).toBe('Cancelled')
    expect(error?.message).toMatch(
      /Refresh asr-[a-z0-9]{8} of asg-7web4gz1 in ap-guangzhou goes on in Auto Scaling/
    )
    expect(error?.message).toContain('CancelInstanceRefresh')
  })
})

// What launches instances in the seeded account: in ap-guangzhou and ap-shanghai, a launch
// template, and a launch configuration used by a scaling group of two instances, all on the
// region's public image. Ids are fixed so tests and demos can name them.
import type { EmulatorState } from './state.ts'

export const LAUNCH_SEED = {
  'ap-guangzhou': {
    launchTemplate: 'lt-7web4gz1',
    launchConfiguration: 'asc-7web4gz1',
    scalingGroup: 'asg-7web4gz1',
    image: 'img-pub4gz01',
    zone: 'ap-guangzhou-3'
  },
  'ap-shanghai': {
    launchTemplate: 'lt-7web4sh1',
    launchConfiguration: 'asc-7web4sh1',
    scalingGroup: 'asg-7web4sh1',
    image: 'img-pub4sh01',
    zone: 'ap-shanghai-2'
  }
} as const

export function seedLaunchResources(state: EmulatorState): void {
  for (const [region, seed] of Object.entries(LAUNCH_SEED)) {
    const owner = state.accountId
    state.launchTemplates.add({
      id: seed.launchTemplate,
      name: 'web',
      region,
      ownerAccountId: owner,
      data: {
        Placement: { Zone: seed.zone, ProjectId: 0 },
        InstanceType: 'S5.MEDIUM4',
        ImageId: seed.image,
        InstanceName: 'web'
      }
    })
    state.autoScaling.addLaunchConfiguration({
      id: seed.launchConfiguration,
      name: 'web',
      region,
      ownerAccountId: owner,
      imageId: seed.image
    })
    state.autoScaling.addGroup({
      id: seed.scalingGroup,
      name: 'web',
      region,
      ownerAccountId: owner,
      launchConfigurationId: seed.launchConfiguration,
      instanceIds: [
        `ins-7asg${region === 'ap-shanghai' ? 'sh' : 'gz'}01`,
        `ins-7asg${region === 'ap-shanghai' ? 'sh' : 'gz'}02`
      ]
    })
  }
}

// The Auto Scaling 2018-04-19 actions the emulator implements.
import type { ActionHandler } from '../action-context.ts'
import {
  describeAutoScalingGroups,
  describeLaunchConfigurations,
  modifyLaunchConfigurationAttributes
} from './launch-configurations.ts'
import { describeRefreshActivities, startInstanceRefresh } from './refresh.ts'

export const AS_VERSION = '2018-04-19'

export const AS_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  DescribeLaunchConfigurations: describeLaunchConfigurations,
  ModifyLaunchConfigurationAttributes: modifyLaunchConfigurationAttributes,
  DescribeAutoScalingGroups: describeAutoScalingGroups,
  StartInstanceRefresh: startInstanceRefresh,
  DescribeRefreshActivities: describeRefreshActivities
}

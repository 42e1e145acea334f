// What the emulated account has in Auto Scaling: launch configurations, scaling groups and their
// instance refreshes. A refresh's progress is computed from the clock when read, like images.
import { isoSeconds, newResourceId } from '../ids.ts'

export interface LaunchConfigurationRecord {
  LaunchConfigurationId: string
  LaunchConfigurationName: string
  region: string
  ownerAccountId: string
  ImageId: string
  ImageFamily: string
  InstanceType: string
  LaunchConfigurationStatus: 'NORMAL'
  CreatedTime: string
  UpdatedTime: string
  VersionNumber: number
}

export interface ScalingGroupRecord {
  AutoScalingGroupId: string
  AutoScalingGroupName: string
  region: string
  ownerAccountId: string
  LaunchConfigurationId: string
  instanceIds: string[]
  /** Every refresh of this group fails on its first instance, with this message. */
  failRefresh?: string
  CreatedTime: string
}

export interface RefreshActivityRecord {
  RefreshActivityId: string
  AutoScalingGroupId: string
  region: string
  OriginRefreshActivityId?: string
  ActivityType: 'NORMAL' | 'ROLLBACK'
  RefreshMode: string
  RefreshSettings: Record<string, unknown>
  batchNumber: number
  failProcess: string
  startedAtMs: number
  /** Why the first instance fails; undefined when the refresh succeeds. */
  failure?: string
  cancelled?: boolean
  /** The rollback this activity started when it failed (FailProcess AUTO_ROLLBACK). */
  rollbackId?: string
}

export interface NewScalingGroup {
  id?: string
  name: string
  region: string
  ownerAccountId: string
  launchConfigurationId: string
  instanceIds: string[]
  failRefresh?: string
}

export class AutoScalingStore {
  /** How long one batch of a refresh takes. */
  batchMs = 300
  readonly launchConfigurations = new Map<string, LaunchConfigurationRecord>()
  readonly groups = new Map<string, ScalingGroupRecord>()
  private readonly activities = new Map<string, RefreshActivityRecord>()

  addLaunchConfiguration(input: {
    id?: string
    name: string
    region: string
    ownerAccountId: string
    imageId: string
    instanceType?: string
  }): LaunchConfigurationRecord {
    const now = isoSeconds(Date.now())
    const record: LaunchConfigurationRecord = {
      LaunchConfigurationId: input.id ?? newResourceId('asc'),
      LaunchConfigurationName: input.name,
      region: input.region,
      ownerAccountId: input.ownerAccountId,
      ImageId: input.imageId,
      ImageFamily: '',
      InstanceType: input.instanceType ?? 'S5.MEDIUM4',
      LaunchConfigurationStatus: 'NORMAL',
      CreatedTime: now,
      UpdatedTime: now,
      VersionNumber: 1
    }
    this.launchConfigurations.set(record.LaunchConfigurationId, record)
    return record
  }

  addGroup(input: NewScalingGroup): ScalingGroupRecord {
    const record: ScalingGroupRecord = {
      AutoScalingGroupId: input.id ?? newResourceId('asg'),
      AutoScalingGroupName: input.name,
      region: input.region,
      ownerAccountId: input.ownerAccountId,
      LaunchConfigurationId: input.launchConfigurationId,
      instanceIds: [...input.instanceIds],
      failRefresh: input.failRefresh,
      CreatedTime: isoSeconds(Date.now())
    }
    this.groups.set(record.AutoScalingGroupId, record)
    return record
  }

  startRefresh(
    group: ScalingGroupRecord,
    settings: Record<string, unknown>,
    mode: string,
    type: 'NORMAL' | 'ROLLBACK' = 'NORMAL',
    origin?: string
  ): RefreshActivityRecord {
    const rolling = (settings.RollingUpdateSettings ?? {}) as Record<string, unknown>
    const record: RefreshActivityRecord = {
      RefreshActivityId: newResourceId('asr'),
      AutoScalingGroupId: group.AutoScalingGroupId,
      region: group.region,
      ...(origin && { OriginRefreshActivityId: origin }),
      ActivityType: type,
      RefreshMode: mode,
      RefreshSettings: settings,
      batchNumber: Number(rolling.BatchNumber ?? 1),
      failProcess: String(rolling.FailProcess ?? 'AUTO_PAUSE'),
      startedAtMs: Date.now(),
      failure: type === 'NORMAL' ? group.failRefresh : undefined
    }
    this.activities.set(record.RefreshActivityId, record)
    return record
  }

  /** Every activity, newest first, each brought up to date (a failed one may start its rollback). */
  refreshActivities(): RefreshActivityRecord[] {
    for (const activity of [...this.activities.values()]) this.settle(activity)
    return [...this.activities.values()].sort((a, b) => b.startedAtMs - a.startedAtMs)
  }

  /** The activity as the API shows it at this moment. */
  view(activity: RefreshActivityRecord): Record<string, unknown> {
    const group = this.groups.get(activity.AutoScalingGroupId)
    const instances = group?.instanceIds ?? []
    const perBatch = Math.max(1, Math.ceil(instances.length / activity.batchNumber))
    const elapsed = Date.now() - activity.startedAtMs
    // A failing refresh fails in its first batch; a good one finishes after every batch.
    const current = Math.min(activity.batchNumber, Math.floor(elapsed / this.batchMs) + 1)
    const done = elapsed >= this.batchMs * (activity.failure ? 1 : activity.batchNumber)
    const status = activity.cancelled
      ? 'CANCELLED'
      : !done
        ? 'RUNNING'
        : !activity.failure
          ? 'SUCCESSFUL'
          : activity.failProcess === 'AUTO_ROLLBACK'
            ? 'FAILED'
            : activity.failProcess === 'AUTO_CANCEL'
              ? 'CANCELLED'
              : 'FAILED_PAUSE'
    const batches = Array.from({ length: activity.batchNumber }, (_, i) => {
      const number = i + 1
      const ids = instances.slice(i * perBatch, (i + 1) * perBatch)
      const batchStatus =
        status === 'SUCCESSFUL' || number < current
          ? 'SUCCESSFUL'
          : number > current
            ? status === 'RUNNING'
              ? 'WAITING'
              : 'CANCELLED'
            : status === 'RUNNING'
              ? 'RUNNING'
              : activity.failure
                ? 'FAILED'
                : 'CANCELLED'
      return {
        RefreshBatchNum: number,
        RefreshBatchStatus: batchStatus,
        RefreshBatchRelatedInstanceSet: ids.map((id, j) => ({
          InstanceId: id,
          InstanceStatus:
            batchStatus === 'FAILED' && j === 0
              ? 'FAILED'
              : batchStatus === 'FAILED'
                ? 'CANCELLED'
                : batchStatus,
          LastActivityId: newResourceId('asa'),
          InstanceStatusMessage: batchStatus === 'FAILED' && j === 0 ? activity.failure : ''
        }))
      }
    })
    return {
      AutoScalingGroupId: activity.AutoScalingGroupId,
      RefreshActivityId: activity.RefreshActivityId,
      ...(activity.OriginRefreshActivityId && {
        OriginRefreshActivityId: activity.OriginRefreshActivityId
      }),
      RefreshBatchSet: batches,
      RefreshMode: activity.RefreshMode,
      RefreshSettings: activity.RefreshSettings,
      ActivityType: activity.ActivityType,
      Status: status,
      CurrentRefreshBatchNum: current,
      StartTime: isoSeconds(activity.startedAtMs),
      ...(done && { EndTime: isoSeconds(activity.startedAtMs + elapsed) }),
      CreatedTime: isoSeconds(activity.startedAtMs)
    }
  }

  /** A refresh that failed with AUTO_ROLLBACK starts its rollback activity once. */
  private settle(activity: RefreshActivityRecord): void {
    if (!activity.failure || activity.failProcess !== 'AUTO_ROLLBACK' || activity.rollbackId) return
    if (Date.now() - activity.startedAtMs < this.batchMs) return
    const group = this.groups.get(activity.AutoScalingGroupId)
    if (!group) return
    const rollback = this.startRefresh(
      group,
      activity.RefreshSettings,
      activity.RefreshMode,
      'ROLLBACK',
      activity.RefreshActivityId
    )
    activity.rollbackId = rollback.RefreshActivityId
  }
}

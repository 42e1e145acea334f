// Instance refresh: Auto Scaling replaces a group's instances batch by batch with what its launch
// configuration now says. The step starts it and waits, saying where it is about once a minute;
// the refresh itself runs in Auto Scaling and goes on whatever happens to the step.
import type {
  DescribeRefreshActivitiesResponse,
  RefreshActivity,
  StartInstanceRefreshResponse
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/as/v20180419/as_models.js'
import type { Clock } from '../runner/clock.ts'
import { ActionFailure } from '../runner/failure.ts'
import { formatDuration } from '../runner/format.ts'
import { log } from '../runner/log.ts'
import type { ApiClient } from '../tencent/client.ts'
import { request, type RetryContext } from '../tencent/retry.ts'

/** Statuses of DescribeRefreshActivities in which a refresh is not over (INIT, RUNNING, paused). */
const UNFINISHED = new Set(['INIT', 'RUNNING', 'FAILED_PAUSE', 'AUTO_PAUSE', 'MANUAL_PAUSE'])
const WORKING = new Set(['INIT', 'RUNNING'])

export const isUnfinished = (status: string | undefined): boolean => UNFINISHED.has(status ?? '')

export interface StartedRefresh {
  region: string
  groupId: string
  activityId: string
  /** The last status seen; SUCCESSFUL once done. */
  status: string
  reason?: string
}

export interface RefreshSettingsInput {
  batches: number
  rollbackOnFailure: boolean
}

export async function startRefresh(
  as: ApiClient,
  region: string,
  groupId: string,
  instanceCount: number,
  settings: RefreshSettingsInput,
  ctx: RetryContext
): Promise<StartedRefresh> {
  // BatchNumber may not exceed the group's instances.
  const batches = Math.max(1, Math.min(settings.batches, instanceCount))
  if (batches < settings.batches) {
    log.info(
      `${groupId} in ${region} has ${instanceCount} instance(s): refreshing in ${batches} batch(es).`
    )
  }
  const answer = await request<StartInstanceRefreshResponse>(
    as,
    'StartInstanceRefresh',
    {
      AutoScalingGroupId: groupId,
      RefreshMode: 'ROLLING_UPDATE_RESET',
      RefreshSettings: {
        RollingUpdateSettings: {
          BatchNumber: batches,
          BatchPause: 'AUTOMATIC',
          FailProcess: settings.rollbackOnFailure ? 'AUTO_ROLLBACK' : 'AUTO_PAUSE'
        }
      }
    },
    ctx
  )
  const activityId = answer.RefreshActivityId ?? ''
  log.info(`Started refresh ${activityId} of ${groupId} in ${region} (${batches} batch(es)).`)
  return { region, groupId, activityId, status: 'INIT' }
}

export interface WaitOptions {
  clock: Clock
  pollIntervalMs: number
  progressIntervalMs: number
  /** Epoch ms after which the step stops waiting. */
  deadline: number
  rollbackOnFailure: boolean
  signal?: AbortSignal
}

/** How to stop a refresh the step no longer watches. */
export function howToCancel(r: StartedRefresh): string {
  return `Refresh ${r.activityId} of ${r.groupId} in ${r.region} goes on in Auto Scaling: to stop it, cancel it in the console or with CancelInstanceRefresh (AutoScalingGroupId ${r.groupId}, RefreshActivityId ${r.activityId}), e.g. tccli as CancelInstanceRefresh --region ${r.region} --AutoScalingGroupId ${r.groupId} --RefreshActivityId ${r.activityId}; RollbackInstanceRefresh puts back the instances it refreshed.`
}

/** Waits until every refresh of a region succeeded; throws on the first that failed or paused. */
export async function waitForRefreshes(
  as: ApiClient,
  refreshes: StartedRefresh[],
  options: WaitOptions,
  ctx: RetryContext
): Promise<void> {
  const started = options.clock.now()
  let nextProgress = started + options.progressIntervalMs
  for (;;) {
    const open = refreshes.filter(r => r.status !== 'SUCCESSFUL')
    if (open.length === 0) return
    const answer = await request<DescribeRefreshActivitiesResponse>(
      as,
      'DescribeRefreshActivities',
      { RefreshActivityIds: open.map(r => r.activityId), Limit: 100 },
      ctx
    )
    for (const refresh of open) {
      const activity = answer.RefreshActivitySet?.find(
        a => a.RefreshActivityId === refresh.activityId
      )
      if (!activity) continue
      refresh.status = activity.Status ?? 'UNKNOWN'
      if (refresh.status === 'SUCCESSFUL') {
        log.info(
          `Refresh ${refresh.activityId} of ${refresh.groupId} in ${refresh.region} succeeded.`
        )
      } else if (!WORKING.has(refresh.status)) {
        refresh.reason = reasonOf(activity)
        throw new ActionFailure(
          `Instance refresh ${refresh.status}`,
          `Refresh ${refresh.activityId} of ${refresh.groupId} in ${refresh.region} is ${refresh.status}${refresh.reason ? `: ${refresh.reason}` : ''}. ${
            options.rollbackOnFailure
              ? 'Auto Scaling is rolling back the instances it refreshed (FailProcess AUTO_ROLLBACK); follow it in DescribeRefreshActivities or the console.'
              : 'The group keeps the instances refreshed so far; resume it (ResumeInstanceRefresh), roll it back (RollbackInstanceRefresh) or cancel it (CancelInstanceRefresh).'
          }`
        )
      }
    }
    const now = options.clock.now()
    if (refreshes.every(r => r.status === 'SUCCESSFUL')) continue
    if (now >= options.deadline) {
      const waiting = refreshes.find(r => r.status !== 'SUCCESSFUL')!
      throw new ActionFailure(
        'Instance refresh still running',
        `Stopped waiting after ${formatDuration(now - started)} (wait-timeout-seconds). ${howToCancel(waiting)}`
      )
    }
    if (now >= nextProgress) {
      for (const r of refreshes.filter(r => r.status !== 'SUCCESSFUL')) {
        const activity = answer.RefreshActivitySet?.find(a => a.RefreshActivityId === r.activityId)
        log.info(
          `Refresh ${r.activityId} of ${r.groupId} in ${r.region}: ${r.status}, batch ${activity?.CurrentRefreshBatchNum ?? '?'} of ${activity?.RefreshBatchSet?.length ?? '?'}, ${formatDuration(now - started)} so far.`
        )
      }
      nextProgress = now + options.progressIntervalMs
    }
    const pause = Math.min(options.pollIntervalMs, Math.max(0, options.deadline - now))
    await options.clock.sleep(pause, options.signal)
  }
}

/** Why a refresh failed: the message of its first failed instance, as Auto Scaling gives it. */
function reasonOf(activity: RefreshActivity): string | undefined {
  for (const batch of activity.RefreshBatchSet ?? []) {
    for (const instance of batch.RefreshBatchRelatedInstanceSet ?? []) {
      if (instance.InstanceStatus === 'FAILED' && instance.InstanceStatusMessage) {
        return `instance ${instance.InstanceId}: ${instance.InstanceStatusMessage}`
      }
    }
  }
  return undefined
}

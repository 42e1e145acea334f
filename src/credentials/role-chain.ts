// Role chaining: keys that are allowed to assume a role (often in another account) do so, and the
// role's temporary keys make the image.
import { callOptions, withRetry, type RetryContext } from '../tencent/retry.ts'
import type { RoleChainPlan } from './plan.ts'
import type { TemporaryCredentials } from './renewing.ts'
import { toTemporaryCredentials, type StsClient } from './sts.ts'

export interface RoleChainDeps {
  /** Signed with the plan's keys. */
  sts: StsClient
  retry: RetryContext
  mask: (secret: string) => void
}

export function roleChainFetcher(
  plan: RoleChainPlan,
  deps: RoleChainDeps
): () => Promise<TemporaryCredentials> {
  const params = {
    RoleArn: plan.role.roleArn,
    RoleSessionName: plan.role.sessionName,
    DurationSeconds: plan.role.durationSeconds
  }
  return async () => {
    const answer = await withRetry(
      'AssumeRole',
      () => deps.sts.call('AssumeRole', params, callOptions(deps.retry)),
      deps.retry
    )
    const credentials = toTemporaryCredentials('AssumeRole', answer)
    for (const secret of [credentials.secretId, credentials.secretKey, credentials.token]) {
      deps.mask(secret)
    }
    return credentials
  }
}

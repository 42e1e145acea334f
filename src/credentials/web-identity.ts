// Keyless sign-in: a GitHub OIDC ID token for the audience, traded at STS for the role's keys.
import { ActionFailure } from '../runner/failure.ts'
import { ApiCallError, explainStsFailure } from '../tencent/errors.ts'
import { callOptions, withRetry, type RetryContext } from '../tencent/retry.ts'
import type { TemporaryCredentials } from './renewing.ts'
import type { WebIdentityPlan } from './plan.ts'
import { toTemporaryCredentials, type StsClient } from './sts.ts'
import { tokenFacts } from './token-claims.ts'

export interface WebIdentityDeps {
  env: Record<string, string | undefined>
  /** core.getIDToken: asks the runner for a fresh token, and masks it. */
  getIdToken: (audience: string) => Promise<string>
  sts: StsClient
  retry: RetryContext
  mask: (secret: string) => void
}

/** The runner only offers tokens to jobs granted id-token: write, and never to forks' pull requests. */
export function checkIdTokenAvailable(env: Record<string, string | undefined>): void {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return
  throw new ActionFailure(
    'No GitHub ID token',
    "Keyless sign-in (role-arn with oidc-provider-id) needs a GitHub OIDC ID token, but the runner offers none (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Give the job 'permissions: id-token: write' (with 'contents: read'; a permissions block replaces the defaults). Pull requests from forks never get a token: run this on push, on a tag or in an environment, or use secret-id and secret-key there."
  )
}

export function webIdentityFetcher(
  plan: WebIdentityPlan,
  deps: WebIdentityDeps
): () => Promise<TemporaryCredentials> {
  return async () => {
    let idToken: string
    try {
      idToken = await deps.getIdToken(plan.audience)
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      throw new ActionFailure(
        'No GitHub ID token',
        `Could not get a GitHub ID token for audience '${plan.audience}': ${why.replace(/\s+/g, ' ').trim()}. Check that the job has 'permissions: id-token: write'; if it does, run again.`
      )
    }
    deps.mask(idToken)
    const params = {
      ProviderId: plan.providerId,
      WebIdentityToken: idToken,
      RoleArn: plan.role.roleArn,
      RoleSessionName: plan.role.sessionName,
      DurationSeconds: plan.role.durationSeconds
    }
    let answer
    try {
      answer = await withRetry(
        'AssumeRoleWithWebIdentity',
        () => deps.sts.call('AssumeRoleWithWebIdentity', params, callOptions(deps.retry)),
        deps.retry
      )
    } catch (error) {
      if (error instanceof ApiCallError) throw explainStsFailure(error, tokenFacts(idToken))
      throw error
    }
    const credentials = toTemporaryCredentials('AssumeRoleWithWebIdentity', answer)
    for (const secret of [credentials.secretId, credentials.secretKey, credentials.token]) {
      deps.mask(secret)
    }
    return credentials
  }
}

// Stage: credentials. Static keys are used as they are; a role is assumed once up front, so a
// refusal fails the step before CreateImage, and then renewed ahead of expiry for as long as the
// step runs.
import type { Credentials, CredentialSource, Transport } from '../tencent/client.ts'
import type { RetryContext } from '../tencent/retry.ts'
import type { CredentialPlan, RoleRequest } from './plan.ts'
import { RenewingCredentials, type TemporaryCredentials } from './renewing.ts'
import { roleChainFetcher } from './role-chain.ts'
import { createStsClient } from './sts.ts'
import { checkIdTokenAvailable, webIdentityFetcher } from './web-identity.ts'

export interface CredentialDeps {
  region: string
  env: Record<string, string | undefined>
  transport: Transport
  retry: RetryContext
  getIdToken: (audience: string) => Promise<string>
  mask: (secret: string) => void
  log: (message: string) => void
}

export async function resolveCredentials(
  plan: CredentialPlan,
  deps: CredentialDeps
): Promise<Credentials | CredentialSource> {
  let fetch: () => Promise<TemporaryCredentials>
  let how: string
  let role: RoleRequest
  if (plan.source === 'oidc') {
    checkIdTokenAvailable(deps.env)
    const sts = createStsClient(plan.role.stsEndpoint, deps.region, deps.transport)
    fetch = webIdentityFetcher(plan, { ...deps, sts })
    how = `with a GitHub ID token (audience ${plan.audience}, identity provider ${plan.providerId})`
    role = plan.role
  } else if (plan.source === 'role-chain') {
    const sts = createStsClient(plan.role.stsEndpoint, deps.region, deps.transport, plan.keys)
    fetch = roleChainFetcher(plan, { ...deps, sts })
    how = `with the keys from ${plan.keys.source}`
    role = plan.role
  } else {
    return { secretId: plan.secretId, secretKey: plan.secretKey, token: plan.token }
  }
  const source = new RenewingCredentials({
    fetch,
    now: () => deps.retry.clock.now(),
    onRenew: (credentials, renewal) => deps.log(describe(role, how, credentials, renewal))
  })
  await source.getCredential()
  return source
}

function describe(
  role: RoleRequest,
  how: string,
  credentials: TemporaryCredentials,
  renewal: number
): string {
  const until = new Date(credentials.expiresAt).toISOString()
  return renewal === 0
    ? `Assumed role ${role.roleArn} as session ${role.sessionName} ${how}; its keys last until ${until}.`
    : `Renewed the keys of role ${role.roleArn} before they expire; the new ones last until ${until}.`
}

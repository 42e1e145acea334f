import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { rsaThumbprint, signJwt } from './jwt.ts'

export { decodeJwt, signJwt, verifyJwt } from './jwt.ts'

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

export interface OidcServerOptions {
  repository?: string
  ref?: string
  sha?: string
  /** Job environment; makes the subject `repo:<o>/<r>:environment:<env>`. */
  environment?: string
  /** 'pull_request' makes the subject `repo:<o>/<r>:pull_request`. */
  eventName?: string
  /** Overrides the subject GitHub would derive. */
  subject?: string
  actor?: string
  workflow?: string
  runId?: string
  runAttempt?: string
  lifetimeSeconds?: number
  /** Extra or replacement claims, applied last. */
  claims?: Record<string, unknown>
  requestToken?: string
  /** Clock in milliseconds, for tokens issued in the past or future. */
  now?: () => number
}

export interface IssuedToken {
  audience: string
  token: string
  claims: Record<string, unknown>
}

export interface OidcServer {
  /** For ACTIONS_ID_TOKEN_REQUEST_URL: already has a query, so the toolkit appends `&audience=`. */
  url: string
  /** For ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  issuer: string
  publicKeyPem: string
  kid: string
  env(): Record<string, string>
  issued: IssuedToken[]
  readonly requests: number
  /** The next `times` requests answer `status` instead of a token. */
  failNext(status: number, times?: number): void
  close(): Promise<void>
}

/** A stand-in for the runner's ID token endpoint that `core.getIDToken()` calls. */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = rsaThumbprint(publicKey)
  const requestToken = options.requestToken ?? randomBytes(24).toString('base64url')
  const issued: IssuedToken[] = []
  const failures: number[] = []
  let requests = 0

  const server = createServer((request, response) => {
    requests++
    const failure = failures.shift()
    if (failure !== undefined) return reply(response, failure, { message: 'injected failure' })
    if (request.headers.authorization !== `Bearer ${requestToken}`) {
      return reply(response, 401, { message: 'Bad request token' })
    }
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (request.method !== 'GET' || !url.pathname.endsWith('/idtoken')) {
      return reply(response, 404, { message: `No route for ${request.method} ${url.pathname}` })
    }
    const token = issueToken(url, privateKey, kid, options)
    issued.push(token)
    reply(response, 200, { value: token.token })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const planId = randomUUID()
  const url = `http://127.0.0.1:${port}/_apis/distributedtask/hubs/Actions/plans/${planId}/jobs/${randomUUID()}/idtoken?api-version=2.0`

  return {
    url,
    requestToken,
    issuer: GITHUB_OIDC_ISSUER,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    kid,
    env: () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
    }),
    issued,
    get requests() {
      return requests
    },
    failNext(status: number, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  response.end(JSON.stringify(body))
}

function issueToken(
  url: URL,
  privateKey: KeyObject,
  kid: string,
  options: OidcServerOptions
): IssuedToken {
  const claims = githubClaims(options, url.searchParams.get('audience'))
  const token = signJwt(claims, privateKey, { x5t: kid, kid })
  return { audience: String(claims['aud']), token, claims }
}

/** The claim set of a GitHub Actions ID token (docs: "OIDC token claims"). */
export function githubClaims(
  options: OidcServerOptions,
  audience: string | null
): Record<string, unknown> {
  const repository = options.repository ?? 'octo-org/octo-repo'
  const owner = repository.split('/')[0] ?? ''
  const ref = options.ref ?? 'refs/heads/main'
  const sha = options.sha ?? 'ffac537e6cbbf934b08745a378932722df287a53'
  const eventName = options.eventName ?? 'push'
  const workflowPath = `${repository}/.github/workflows/ci.yml@${ref}`
  const iat = Math.floor((options.now?.() ?? Date.now()) / 1000)
  return {
    jti: randomUUID(),
    sub: options.subject ?? defaultSubject(repository, ref, eventName, options.environment),
    aud: audience || `https://github.com/${owner}`,
    ref,
    sha,
    repository,
    repository_owner: owner,
    repository_owner_id: '9919',
    repository_id: '1296269',
    repository_visibility: 'private',
    run_id: options.runId ?? '1658821493',
    run_number: '3',
    run_attempt: options.runAttempt ?? '1',
    actor: options.actor ?? 'octocat',
    actor_id: '583231',
    workflow: options.workflow ?? 'CI',
    workflow_ref: workflowPath,
    workflow_sha: sha,
    job_workflow_ref: workflowPath,
    job_workflow_sha: sha,
    head_ref: '',
    base_ref: '',
    event_name: eventName,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'false',
    runner_environment: 'github-hosted',
    ...(options.environment ? { environment: options.environment } : {}),
    iss: GITHUB_OIDC_ISSUER,
    // As in GitHub's documented example token: valid from ten minutes before issue.
    nbf: iat - 600,
    exp: iat + (options.lifetimeSeconds ?? 300),
    iat,
    ...options.claims
  }
}

function defaultSubject(
  repository: string,
  ref: string,
  eventName: string,
  environment: string | undefined
): string {
  if (environment) return `repo:${repository}:environment:${environment}`
  // pull_request_target runs in the base branch's context, so it keeps the ref subject.
  if (eventName === 'pull_request') return `repo:${repository}:pull_request`
  return `repo:${repository}:ref:${ref}`
}

import type { GithubContext, StrategyContext } from './types.ts'

const DEFAULT_SHA = 'ffac537e6cbbf934b08745a378932722df287a53'

/** The `github` context with the defaults of a push to main in octo-org/octo-repo. */
export function resolveGithubContext(overrides: Partial<GithubContext> = {}): GithubContext {
  const repository = overrides.repository ?? 'octo-org/octo-repo'
  const eventName = overrides.eventName ?? 'push'
  const event = overrides.event ?? {}
  const pullNumber = typeof event['number'] === 'number' ? event['number'] : undefined
  const defaultRef =
    eventName.startsWith('pull_request') && pullNumber !== undefined
      ? `refs/pull/${pullNumber}/merge`
      : 'refs/heads/main'
  const ref = overrides.ref ?? defaultRef
  const sha = overrides.sha ?? DEFAULT_SHA
  const actor = overrides.actor ?? 'octocat'
  return {
    repository,
    sha,
    ref,
    runId: overrides.runId ?? '1658821493',
    runNumber: overrides.runNumber ?? '3',
    runAttempt: overrides.runAttempt ?? '1',
    eventName,
    event: overrides.event ?? defaultPushEvent(repository, ref, sha, actor),
    actor,
    workflow: overrides.workflow ?? 'CI',
    job: overrides.job ?? 'build',
    serverUrl: overrides.serverUrl ?? 'https://github.com',
    apiUrl: overrides.apiUrl ?? 'https://api.github.com',
    token: overrides.token ?? 'ghs_harnessFakeInstallationToken000000000'
  }
}

function defaultPushEvent(repository: string, ref: string, sha: string, actor: string) {
  const [owner = '', name = ''] = repository.split('/')
  return {
    ref,
    after: sha,
    repository: { full_name: repository, name, owner: { login: owner } },
    sender: { login: actor }
  }
}

function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags|pull)\//, '')
}

function pullRequestRef(event: Record<string, unknown>, side: 'head' | 'base'): string {
  const pr = event['pull_request'] as Record<string, Record<string, unknown>> | undefined
  const value = pr?.[side]?.['ref']
  return typeof value === 'string' ? value : ''
}

export interface StepPaths {
  workspace: string
  runnerTemp: string
  toolCache: string
  eventPath: string
  actionDir: string
}

/** The variables the runner sets for every step, before inputs and the step's own `env:`. */
export function runnerEnvironment(github: GithubContext, paths: StepPaths): Record<string, string> {
  const owner = github.repository.split('/')[0] ?? ''
  const isPull = github.eventName.startsWith('pull_request')
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_ACTION: '__self',
    GITHUB_ACTION_PATH: paths.actionDir,
    GITHUB_ACTION_REPOSITORY: '',
    GITHUB_ACTION_REF: '',
    GITHUB_ACTOR: github.actor,
    GITHUB_ACTOR_ID: '583231',
    GITHUB_TRIGGERING_ACTOR: github.actor,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_ID: '1296269',
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_OWNER_ID: '9919',
    GITHUB_SHA: github.sha,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: refName(github.ref),
    GITHUB_REF_TYPE: github.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: isPull ? pullRequestRef(github.event, 'head') : '',
    GITHUB_BASE_REF: isPull ? pullRequestRef(github.event, 'base') : '',
    GITHUB_RUN_ID: github.runId,
    GITHUB_RUN_NUMBER: github.runNumber,
    GITHUB_RUN_ATTEMPT: github.runAttempt,
    GITHUB_WORKFLOW: github.workflow,
    GITHUB_WORKFLOW_REF: `${github.repository}/.github/workflows/ci.yml@${github.ref}`,
    GITHUB_WORKFLOW_SHA: github.sha,
    GITHUB_JOB: github.job,
    GITHUB_EVENT_NAME: github.eventName,
    GITHUB_EVENT_PATH: paths.eventPath,
    GITHUB_SERVER_URL: github.serverUrl,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_GRAPHQL_URL: `${github.apiUrl}/graphql`,
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 2',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: paths.runnerTemp,
    RUNNER_TOOL_CACHE: paths.toolCache
  }
}

/** Only what a hosted runner's process would also have; never the test process's secrets. */
export function baseEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base: Record<string, string> = {}
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = source[name]
    if (value !== undefined) base[name] = value
  }
  return base
}

/** The runner's `strategy` context of a job without a matrix. */
export const NO_MATRIX: StrategyContext = {
  'job-index': 0,
  'job-total': 1,
  'max-parallel': 1,
  'fail-fast': true
}

/**
 * Evaluates the `${{ github.* }}` / `${{ runner.* }}` / `${{ strategy.* }}` expressions input
 * defaults use (most often `${{ github.token }}`); the runner allows github, strategy, matrix, job
 * and runner there (actions/runner, src/Runner.Worker/action_yaml.json, input-default-context).
 * Anything else evaluates to '', as an unknown context property does.
 */
export function evaluateDefaultExpression(
  text: string,
  github: GithubContext,
  paths: StepPaths,
  strategy: StrategyContext = NO_MATRIX
): string {
  const env = runnerEnvironment(github, paths)
  const values: Record<string, string> = {
    'github.token': github.token,
    'github.repository': github.repository,
    'github.repository_owner': env['GITHUB_REPOSITORY_OWNER'] ?? '',
    'github.sha': github.sha,
    'github.ref': github.ref,
    'github.ref_name': env['GITHUB_REF_NAME'] ?? '',
    'github.run_id': github.runId,
    'github.run_number': github.runNumber,
    'github.run_attempt': github.runAttempt,
    'github.event_name': github.eventName,
    'github.actor': github.actor,
    'github.workflow': github.workflow,
    'github.job': github.job,
    'github.server_url': github.serverUrl,
    'github.api_url': github.apiUrl,
    'github.workspace': paths.workspace,
    'runner.os': 'Linux',
    'runner.arch': 'X64',
    'runner.temp': paths.runnerTemp,
    'strategy.job-index': String(strategy['job-index']),
    'strategy.job-total': String(strategy['job-total']),
    'strategy.max-parallel': String(strategy['max-parallel']),
    'strategy.fail-fast': String(strategy['fail-fast'])
  }
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_match, expression: string) => {
    return values[expression.trim()] ?? ''
  })
}

/** What a test asks for: one `uses:` step, as a workflow would declare it. */
export interface RunActionOptions {
  /** Directory holding action.yml. Relative paths resolve against the repository root. */
  actionDir?: string
  /** The step's `with:` map; keys exactly as in action.yml. */
  inputs?: Record<string, string>
  /** Extra environment (step `env:`), applied on top of the runner's own variables. */
  env?: Record<string, string>
  /** Simulate a workflow cancellation this long after the main step starts. */
  cancelAfterMs?: number
  /** Wait between SIGINT and SIGTERM on cancellation. The runner waits 7500 ms. */
  sigintGraceMs?: number
  /** Wait between SIGTERM and SIGKILL on cancellation. The runner waits 2500 ms. */
  sigtermGraceMs?: number
  /** Safety limit per step: the process tree is killed and the step reported as timed out. */
  timeoutMs?: number
  /** Run `runs.post` when action.yml declares one and its post-if allows. Default true. */
  runPost?: boolean
  /** GITHUB_WORKSPACE and the working directory of the action. Default: a fresh temp dir. */
  workspace?: string
  /**
   * Live log, line by line as the runner shows it: add-mask lines left out and registered
   * secrets replaced by ***. Commands such as ::group:: pass through unchanged.
   */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void
  /** Overrides for the `github` context the runner exposes. */
  githubContext?: Partial<GithubContext>
  /**
   * The `strategy` context: this job's place in its matrix. Default: a job without a matrix
   * (index 0 of 1, max-parallel 1), as the runner gives it.
   */
  strategy?: Partial<StrategyContext>
  /** Makes GITHUB_STEP_SUMMARY a path that cannot be written (a directory), for every step. */
  unwritableSummary?: boolean
  /** Sets RUNNER_DEBUG=1, as re-running a job with debug logging does. */
  debug?: boolean
}

export interface GithubContext {
  repository: string
  sha: string
  ref: string
  runId: string
  runNumber: string
  runAttempt: string
  eventName: string
  /** Written to the file GITHUB_EVENT_PATH names. */
  event: Record<string, unknown>
  actor: string
  workflow: string
  job: string
  serverUrl: string
  apiUrl: string
  /** The value of `${{ github.token }}` in input defaults. */
  token: string
}

export interface StrategyContext {
  'job-index': number
  'job-total': number
  'max-parallel': number
  'fail-fast': boolean
}

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title?: string
  message: string
  file?: string
  line?: string
}

export type StepOutcome = 'success' | 'failure' | 'cancelled'

export interface StepResult {
  exitCode: number | null
  signal: string | null
  cancelled: boolean
  /** The safety limit (timeoutMs) killed the process. */
  timedOut: boolean
  durationMs: number
  /** As written, minus '::add-mask::' lines (they necessarily contain the secret). */
  stdout: string
  stderr: string
  rawStdout: string
  rawStderr: string
  masks: string[]
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  exportedEnv: Record<string, string>
  path: string[]
  commands: WorkflowCommand[]
  annotations: Annotation[]
  /** Errors the runner itself reports for the step (malformed file commands); they fail it. */
  runnerErrors: string[]
  /** Warnings the runner itself prints (unexpected inputs, deprecated commands, blocked variables). */
  runnerWarnings: string[]
  outcome: StepOutcome
}

export interface ActionRun extends StepResult {
  post?: StepResult
  /** Why the post step did not run, when it did not. */
  postSkippedReason?: string
  /** `with:` keys that action.yml does not declare; the runner passes them on and warns. */
  unexpectedInputs: string[]
  workspace: string
}

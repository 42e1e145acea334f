import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  readActionMetadata,
  resolveInputs,
  unexpectedInputsWarning,
  type ActionMetadata
} from './action-metadata.ts'
import { createFileCommandFiles, readFileCommandResults } from './file-commands.ts'
import { evaluatePostIf } from './post-if.ts'
import {
  baseEnvironment,
  evaluateDefaultExpression,
  NO_MATRIX,
  resolveGithubContext,
  runnerEnvironment,
  type StepPaths
} from './runner-env.ts'
import { killProcessGroup, runNodeProcess } from './step-process.ts'
import type { ActionRun, RunActionOptions, StepOutcome, StepResult } from './types.ts'
import { CommandLog } from './workflow-commands.ts'

export type * from './types.ts'
export { evaluatePostIf } from './post-if.ts'
export { parseCommandLine } from './workflow-commands.ts'
export { parseKeyValueFile } from './file-commands.ts'

/** The directory holding the repository's own action.yml. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url))

// The runner's cancellation timings (actions/runner ProcessInvoker).
export const RUNNER_SIGINT_GRACE_MS = 7500
export const RUNNER_SIGTERM_GRACE_MS = 2500
const DEFAULT_TIMEOUT_MS = 120_000

interface StepPlan {
  name: 'main' | 'post'
  entry: string
  env: Record<string, string>
  cancelAfterMs?: number
}

/** Runs an action's main entry, then its post entry when post-if allows, as the runner would. */
export async function runAction(options: RunActionOptions = {}): Promise<ActionRun> {
  const metadata = readActionMetadata(path.resolve(REPOSITORY_ROOT, options.actionDir ?? '.'))
  const github = resolveGithubContext(options.githubContext)
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'harness-runner-'))
  const workspace = path.resolve(
    options.workspace ?? mkdtempSync(path.join(os.tmpdir(), 'harness-workspace-'))
  )
  mkdirSync(workspace, { recursive: true })
  const paths: StepPaths = {
    workspace,
    runnerTemp,
    toolCache: path.join(runnerTemp, '_tool'),
    eventPath: path.join(runnerTemp, '_github_workflow', 'event.json'),
    actionDir: metadata.dir
  }
  mkdirSync(path.dirname(paths.eventPath), { recursive: true })
  writeFileSync(paths.eventPath, JSON.stringify(github.event, null, 2))

  const inputs = resolveInputs(metadata.inputs, options.inputs ?? {}, text =>
    evaluateDefaultExpression(text, github, paths, { ...NO_MATRIX, ...options.strategy })
  )
  const jobEnv: Record<string, string> = {
    ...baseEnvironment(),
    ...runnerEnvironment(github, paths),
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {})
  }
  const groups: Array<number | undefined> = []
  const run = async (plan: StepPlan) => {
    const { result, pid } = await runStep(plan, metadata, options, runnerTemp, workspace)
    groups.push(pid)
    return result
  }

  try {
    const main = await run({
      name: 'main',
      entry: metadata.main,
      env: { ...jobEnv, ...inputs.env, ...options.env },
      cancelAfterMs: options.cancelAfterMs
    })
    if (inputs.unexpected.length > 0) {
      main.runnerWarnings.unshift(unexpectedInputsWarning(inputs.unexpected, metadata.inputs))
    }
    const actionRun: ActionRun = { ...main, unexpectedInputs: inputs.unexpected, workspace }

    if (!metadata.post) return actionRun
    if (options.runPost === false) {
      actionRun.postSkippedReason = 'runPost is false'
    } else if (!evaluatePostIf(metadata.postIf, main.outcome)) {
      actionRun.postSkippedReason = `post-if '${metadata.postIf}' is false after ${main.outcome}`
    } else {
      const stateEnv = Object.fromEntries(
        Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value])
      )
      actionRun.post = await run({
        name: 'post',
        entry: metadata.post,
        env: {
          ...jobEnv,
          ...main.exportedEnv,
          ...(main.path.length > 0 ? { PATH: prependPath(main.path, jobEnv['PATH']) } : {}),
          ...stateEnv,
          ...inputs.env,
          ...options.env
        }
      })
    }
    return actionRun
  } finally {
    // Like the end of a job: nothing the steps started outlives the run.
    groups.forEach(killProcessGroup)
    rmSync(runnerTemp, { recursive: true, force: true })
  }
}

/** GITHUB_PATH entries go in front of PATH, the latest first. */
function prependPath(added: string[], current: string | undefined): string {
  return [...added]
    .reverse()
    .concat(current ? [current] : [])
    .join(path.delimiter)
}

async function runStep(
  plan: StepPlan,
  metadata: ActionMetadata,
  options: RunActionOptions,
  runnerTemp: string,
  workspace: string
): Promise<{ result: StepResult; pid: number | undefined }> {
  const fileCommandDir = path.join(runnerTemp, '_runner_file_commands')
  mkdirSync(fileCommandDir, { recursive: true })
  const files = createFileCommandFiles(fileCommandDir, plan.name, options.unwritableSummary)
  const commandLog = new CommandLog()
  const processResult = await runNodeProcess({
    script: path.join(metadata.dir, plan.entry),
    cwd: workspace,
    env: { ...plan.env, ...files },
    commandLog,
    cancelAfterMs: plan.cancelAfterMs,
    sigintGraceMs: options.sigintGraceMs ?? RUNNER_SIGINT_GRACE_MS,
    sigtermGraceMs: options.sigtermGraceMs ?? RUNNER_SIGTERM_GRACE_MS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onOutput: options.onOutput
  })
  const fromFiles = readFileCommandResults(files)
  const { pid, ...processFields } = processResult
  const result: StepResult = {
    ...processFields,
    masks: commandLog.masks,
    outputs: { ...commandLog.outputs, ...fromFiles.outputs },
    state: { ...commandLog.state, ...fromFiles.state },
    summary: fromFiles.summary,
    exportedEnv: fromFiles.exportedEnv,
    path: fromFiles.path,
    commands: commandLog.commands,
    annotations: commandLog.annotations,
    runnerErrors: fromFiles.errors,
    runnerWarnings: [...commandLog.warnings, ...fromFiles.warnings],
    outcome: 'success'
  }
  result.outcome = stepOutcome(result)
  return { result, pid }
}

function stepOutcome(step: StepResult): StepOutcome {
  if (step.cancelled) return 'cancelled'
  if (step.timedOut || step.exitCode !== 0 || step.runnerErrors.length > 0) return 'failure'
  return 'success'
}

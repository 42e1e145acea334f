// Running a bundled entry as the runner does (node <entry>, inputs as INPUT_* variables), timed
// from spawn to exit, with its peak memory read from inside by a preloaded probe.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readActionMetadata, resolveInputs } from '../harness/action-metadata.ts'

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url))

export interface TimedRun {
  wallMs: number
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: string
  /** Peak resident set size in bytes, when measured. */
  maxRssBytes?: number
}

export interface TimedRunOptions {
  /** Inputs as in a workflow's `with:`: with action.yml's defaults, as INPUT_<NAME>. */
  inputs?: Record<string, string>
  /** The folder of the action.yml whose input defaults apply. */
  actionDir?: string
  env?: Record<string, string>
  measureRss?: boolean
  timeoutMs?: number
}

/** Node's own arguments for a run: `node -e 0` is the bare-start reference. */
export async function timeNode(args: string[], options: TimedRunOptions = {}): Promise<TimedRun> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-run-'))
  const files = {
    GITHUB_OUTPUT: path.join(work, 'output'),
    GITHUB_STATE: path.join(work, 'state'),
    GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
    GITHUB_ENV: path.join(work, 'env'),
    GITHUB_PATH: path.join(work, 'path')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const rssFile = path.join(work, 'rss')
  const declared = options.actionDir ? readActionMetadata(options.actionDir).inputs : []
  // No input default of this action is an expression; any would evaluate to ''.
  const inputs = resolveInputs(declared, options.inputs ?? {}, () => '').env
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    RUNNER_TEMP: work,
    GITHUB_ACTIONS: 'true',
    ...files,
    ...inputs,
    ...options.env,
    ...(options.measureRss ? { BENCH_RSS_FILE: rssFile } : {})
  }
  const nodeArgs = options.measureRss ? ['--import', PROBE, ...args] : args
  try {
    const started = performance.now()
    const child = spawn(process.execPath, nodeArgs, {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    const { exitCode, wallMs } = await new Promise<{ exitCode: number | null; wallMs: number }>(
      (resolve, reject) => {
        child.on('error', reject)
        child.on('exit', code => resolve({ exitCode: code, wallMs: performance.now() - started }))
      }
    )
    clearTimeout(timer)
    // 'exit' can come before the pipes are drained; wait for them, outside the timed span.
    await new Promise<void>(resolve =>
      child.stdout.closed && child.stderr.closed ? resolve() : child.on('close', () => resolve())
    )
    const result: TimedRun = {
      wallMs,
      exitCode,
      stdout,
      stderr,
      outputs: readFileSync(files.GITHUB_OUTPUT, 'utf8')
    }
    if (options.measureRss) {
      const kb = Number(readFileSync(rssFile, 'utf8').trim())
      if (Number.isFinite(kb) && kb > 0) result.maxRssBytes = kb * 1024
    }
    return result
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import type { CommandLog } from './workflow-commands.ts'

export interface ProcessPlan {
  script: string
  cwd: string
  env: Record<string, string>
  commandLog: CommandLog
  cancelAfterMs?: number
  sigintGraceMs: number
  sigtermGraceMs: number
  timeoutMs: number
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void
}

export interface ProcessResult {
  pid: number | undefined
  exitCode: number | null
  signal: string | null
  cancelled: boolean
  timedOut: boolean
  durationMs: number
  stdout: string
  stderr: string
  rawStdout: string
  rawStderr: string
}

/**
 * Splits a stream into lines for the command log. `filtered` leaves out add-mask lines; what it
 * returns for live display also shows registered secrets as ***, as the runner's log does.
 */
class LineCollector {
  raw = ''
  filtered = ''
  private pending = ''
  private readonly decoder = new StringDecoder('utf8')
  private readonly log: CommandLog

  constructor(log: CommandLog) {
    this.log = log
  }

  push(bytes: Buffer): string {
    const text = this.decoder.write(bytes)
    this.raw += text
    this.pending += text
    let display = ''
    let newline = this.pending.indexOf('\n')
    while (newline >= 0) {
      display += this.takeLine(this.pending.slice(0, newline + 1))
      this.pending = this.pending.slice(newline + 1)
      newline = this.pending.indexOf('\n')
    }
    return display
  }

  end(): string {
    const rest = this.decoder.end()
    this.raw += rest
    this.pending += rest
    const display = this.pending === '' ? '' : this.takeLine(this.pending)
    this.pending = ''
    return display
  }

  private takeLine(line: string): string {
    const isMask = this.log.accept(line.replace(/\r?\n$/, ''))
    if (isMask) return ''
    this.filtered += line
    return maskSecrets(line, this.log.masks)
  }
}

function maskSecrets(line: string, masks: string[]): string {
  // Longest first, so a secret containing another is hidden whole.
  const ordered = [...masks].sort((a, b) => b.length - a.length)
  return ordered.reduce((text, secret) => text.split(secret).join('***'), line)
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}

/** Kills whatever a step left running in its process group, as the runner does at job end. */
export function killProcessGroup(pid: number | undefined): void {
  signalGroup(pid, 'SIGKILL')
}

/**
 * Runs `node <script>` the way the runner's ProcessInvoker does. Cancellation sends SIGINT to the
 * process alone, SIGTERM after the first grace, then kills the whole process tree.
 */
export function runNodeProcess(plan: ProcessPlan): Promise<ProcessResult> {
  const started = Date.now()
  // Its own process group, so the final kill reaches grandchildren like the runner's tree kill.
  const child = spawn(process.execPath, [plan.script], {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  const stdout = new LineCollector(plan.commandLog)
  const stderr = new LineCollector(plan.commandLog)
  const show = (text: string, stream: 'stdout' | 'stderr') => {
    if (text !== '') plan.onOutput?.(text, stream)
  }
  const forward = (collector: LineCollector, stream: 'stdout' | 'stderr') => (bytes: Buffer) =>
    show(collector.push(bytes), stream)
  child.stdout.on('data', forward(stdout, 'stdout'))
  child.stderr.on('data', forward(stderr, 'stderr'))

  let cancelled = false
  let timedOut = false
  const timers: NodeJS.Timeout[] = []
  const later = (ms: number, action: () => void) => timers.push(setTimeout(action, ms))
  if (plan.cancelAfterMs !== undefined) {
    later(plan.cancelAfterMs, () => {
      // Exited already, only a grandchild still holds the pipes: nothing left to cancel.
      if (child.exitCode !== null || child.signalCode !== null) return
      cancelled = true
      child.kill('SIGINT')
      later(plan.sigintGraceMs, () => {
        child.kill('SIGTERM')
        later(plan.sigtermGraceMs, () => killProcessGroup(child.pid))
      })
    })
  }
  later(plan.timeoutMs, () => {
    timedOut = true
    killProcessGroup(child.pid)
  })

  return new Promise((resolve, reject) => {
    child.on('error', error => {
      timers.forEach(clearTimeout)
      reject(error)
    })
    child.on('close', (exitCode, signal) => {
      timers.forEach(clearTimeout)
      show(stdout.end(), 'stdout')
      show(stderr.end(), 'stderr')
      resolve({
        pid: child.pid,
        exitCode,
        signal,
        cancelled,
        timedOut,
        durationMs: Date.now() - started,
        stdout: stdout.filtered,
        stderr: stderr.filtered,
        rawStdout: stdout.raw,
        rawStderr: stderr.raw
      })
    })
  })
}

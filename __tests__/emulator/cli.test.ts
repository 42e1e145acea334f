// `npm run emulator` as people use it: it says which process to stop, stops cleanly on the
// signals a terminal or a CI job sends, and a taken port gets advice, not a stack trace.
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { startEmulator, type Emulator } from '../../emulator/index.ts'

interface Cli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const started: Cli[] = []
let other: Emulator | undefined

afterEach(async () => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
  await other?.close()
  other = undefined
})

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, ['emulator/cli.ts', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  )
  const started_ = { child, stdout: () => stdout, stderr: () => stderr, exited }
  started.push(started_)
  return started_
}

async function ready(run: Cli): Promise<void> {
  const begin = Date.now()
  while (!/Process \d+: stop it/.test(run.stdout())) {
    if (run.child.exitCode !== null || Date.now() - begin > 20_000) {
      throw new Error(`the emulator did not start: ${run.stdout()} ${run.stderr()}`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('npm run emulator', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints the PID that stops it and exits cleanly on %s',
    async signal => {
      const run = cli(['--port', '0'])
      await ready(run)
      expect(run.stdout()).toContain(
        `Process ${run.child.pid}: stop it with Ctrl+C or \`kill ${run.child.pid}\``
      )
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())![1]!
      expect((await fetch(url, { method: 'POST' })).status).toBe(200)

      run.child.kill(signal)
      expect(await run.exited).toEqual({ code: 0, signal: null })
      expect(run.stdout()).toContain(`${signal}: stopping after 1 request(s).`)
      expect(run.stderr()).toBe('')
    }
  )

  it('on a taken port says so and how to pick another, without a stack trace', async () => {
    other = await startEmulator()
    const run = cli(['--port', String(other.port)])
    expect(await run.exited).toEqual({ code: 1, signal: null })
    expect(run.stderr()).toContain(`Port ${other.port} on 127.0.0.1 is already taken`)
    expect(run.stderr()).toContain('--port N, or --port 0 for a free one')
    expect(run.stderr()).not.toMatch(/^\s+at /m)
    expect(run.stdout()).not.toContain('Process')
  })
})

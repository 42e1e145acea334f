// @github/local-action, the toolkit's local runner, runs the TypeScript source with @actions/*
// stubbed: both actions, success and failure, main and post step. Its stub of @actions/core has
// no ExitCode and hands state to the post step only through core.getState(), so a failure must
// end as a failed step with outputs, not as a crash of the tool.
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SEED, TEST_CREDENTIALS, startEmulator, type Emulator } from '../../emulator/index.ts'

let emu: Emulator | undefined
const dirs: string[] = []

afterEach(async () => {
  await emu?.close()
  emu = undefined
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

interface LocalRun {
  code: number | null
  stdout: string
  stderr: string
}

/** `npx local-action run <dir> <entry> <.env> [--post <entry>]`, inputs written as the .env. */
function localAction(
  actionDir: string,
  entry: string,
  inputs: Record<string, string>,
  post?: string
): Promise<LocalRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'local-action-'))
  dirs.push(dir)
  const envFile = path.join(dir, '.env')
  const lines = Object.entries(inputs).map(([k, v]) => `INPUT_${k.toUpperCase()}=${v}`)
  writeFileSync(envFile, `${lines.join('\n')}\n`)
  const bin = path.resolve('node_modules/@github/local-action/bin/local-action.js')
  const args = [bin, 'run', actionDir, entry, envFile, ...(post ? ['--post', post] : [])]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its colours and banner are for terminals.
      env: { ...process.env, FORCE_COLOR: '0', GITHUB_STEP_SUMMARY: '' }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

function imageInputs(e: Emulator, name: string, instanceId: string): Record<string, string> {
  return {
    region: SEED.region,
    endpoint: e.url,
    'secret-id': TEST_CREDENTIALS.secretId,
    'secret-key': TEST_CREDENTIALS.secretKey,
    'instance-id': instanceId,
    'image-name': name,
    'poll-interval-seconds': '0.2',
    'cleanup-on-failure': 'true',
    // local-action hands over an input default as written, `${{ strategy.* }}` unevaluated.
    'create-slot': '0/1'
  }
}

/** The tool ran every step to its end: no crash of the tool or of the action's code. */
function expectNoCrash(run: LocalRun): void {
  expect(run.stdout).toContain('Action Outputs')
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/TypeError|ReferenceError|Cannot read propert/)
}

describe('@github/local-action', () => {
  it('runs the main and post step of a successful run', async () => {
    emu = await startEmulator({ createMs: 300 })
    const run = await localAction(
      '.',
      'src/main/run.ts',
      imageInputs(emu, 'local-ok', SEED.instances.running),
      'src/main/post.ts'
    )
    expectNoCrash(run)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Image img-\w+ is ready after/)
    expect(run.stdout).toContain('Running Post Step')
    expect(emu.state.images(SEED.region).some(i => i.ImageName === 'local-ok')).toBe(true)
  }, 60_000)

  it('ends a failed run as a failed step, and its post step reads the state and cleans up', async () => {
    emu = await startEmulator({ createMs: 300 })
    const run = await localAction(
      '.',
      'src/main/run.ts',
      imageInputs(emu, 'local-fail', SEED.instances.failCreate),
      'src/main/post.ts'
    )
    expectNoCrash(run)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error title=Image CREATEFAILED::')
    expect(run.stdout).toMatch(
      /Running Post Step[\s\S]*Deleted image img-\w+ \(it was CREATEFAILED\)/
    )
    expect(emu.state.images(SEED.region).some(i => i.ImageName === 'local-fail')).toBe(false)
  }, 60_000)

  it('runs the cleanup action, and fails it cleanly on bad input', async () => {
    emu = await startEmulator()
    const connection = {
      region: SEED.region,
      endpoint: emu.url,
      'secret-id': TEST_CREDENTIALS.secretId,
      'secret-key': TEST_CREDENTIALS.secretKey
    }
    const ok = await localAction('cleanup', '../src/cleanup/main.ts', {
      ...connection,
      'image-name': 'app-base-2024',
      'delete-snapshots': 'true',
      'keep-latest': '0',
      'dry-run': 'true'
    })
    expectNoCrash(ok)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('deleted-image-ids')

    // No images chosen: refused before any call.
    const calls = emu.calls.length
    const bad = await localAction('cleanup', '../src/cleanup/main.ts', connection)
    expectNoCrash(bad)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(
      "::error title=Invalid input::Input 'image-ids': choose the images"
    )
    expect(emu.calls.length).toBe(calls)
  }, 60_000)
})

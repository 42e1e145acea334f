// Shared set-up for the end-to-end tests: the real dist/index.js, run as the runner runs it,
// against the emulator over real HTTP.
import { afterEach, expect } from '@jest/globals'
import { SEED, TEST_CREDENTIALS, startEmulator } from '../../emulator/index.ts'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'
import {
  runAction,
  type ActionRun,
  type RunActionOptions,
  type StepResult
} from '../../harness/index.ts'

export { SEED, TEST_CREDENTIALS }

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ createMs: 300, ...options })
}

/**
 * The emulators a test file starts, each closed after its test: call at the top of a file, then
 * `const emu = await start()` in each test.
 */
export function emulatorFixture(): (options?: EmulatorOptions) => Promise<Emulator> {
  const started: Emulator[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map(e => e.close()))
  })
  return async options => {
    const emu = await emulator(options)
    started.push(emu)
    return emu
  }
}

/** Resolves once `predicate` holds, checking every 20 ms; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('until: the condition never held')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** The image id the main step handed to the post step, if any. */
export function handedImage(run: ActionRun): string | undefined {
  const image = JSON.parse(run.state['image'] || 'null') as { imageId?: string } | null
  return image?.imageId
}

/** The cleanup action against the emulator, signed in with the test keys. */
export function runCleanup(emu: Emulator, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    actionDir: 'cleanup',
    timeoutMs: 60_000,
    inputs: {
      region: SEED.region,
      endpoint: emu.url,
      'secret-id': TEST_CREDENTIALS.secretId,
      'secret-key': TEST_CREDENTIALS.secretKey,
      ...inputs
    }
  })
}

/** Inputs a typical release workflow passes, pointed at the emulator. */
export function baseInputs(emu: Emulator, name = 'app-1.0.0'): Record<string, string> {
  return {
    region: SEED.region,
    endpoint: emu.url,
    'secret-id': TEST_CREDENTIALS.secretId,
    'secret-key': TEST_CREDENTIALS.secretKey,
    'image-name': name,
    'instance-id': SEED.instances.running,
    'poll-interval-seconds': '0.2',
    'wait-timeout-seconds': '30'
  }
}

/**
 * With copy-to-regions the copies are tagged through the Tag service, under the account STS
 * names: both are the emulator too.
 */
export function copyEndpoints(emu: Emulator): Record<string, string> {
  return { 'sts-endpoint': emu.url, 'tag-endpoint': emu.url }
}

export async function runImageAction(
  inputs: Record<string, string>,
  options: Omit<RunActionOptions, 'inputs'> = {}
): Promise<ActionRun> {
  return runAction({ timeoutMs: 60_000, ...options, inputs })
}

export function calls(emu: Emulator, action?: string) {
  return emu.calls.filter(c => !action || c.action === action)
}

/** Everything a user or a later step can read: logs, outputs, state, summary, exported env. */
export function everythingVisible(run: ActionRun): string {
  const parts = [
    run.stdout,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.state),
    JSON.stringify(run.exportedEnv)
  ]
  if (run.post) {
    parts.push(run.post.stdout, run.post.stderr, run.post.summary, JSON.stringify(run.post.outputs))
  }
  return parts.join('\n')
}

/** No secret appears anywhere, and each was registered as a mask (so the runner hides it too). */
export function expectNoSecrets(run: ActionRun, secrets: string[]): void {
  const visible = everythingVisible(run)
  for (const secret of secrets) {
    expect(visible.includes(secret)).toBe(false)
    // Each step masks what it handled: the post step signs in anew.
    expect([...run.masks, ...(run.post?.masks ?? [])]).toContain(secret)
  }
}

export function errorAnnotations(run: StepResult) {
  return run.annotations.filter(a => a.level === 'error')
}

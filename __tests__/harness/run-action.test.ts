import { afterAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction, type ActionRun } from '../../harness/index.ts'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const scratch = mkdtempSync(path.join(os.tmpdir(), 'harness-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A copy of the scripted fixture whose action.yml declares another post-if. */
function scriptedWithPostIf(postIf: string): string {
  const dir = mkdtempSync(path.join(scratch, 'scripted-'))
  cpSync(path.join(fixtures, 'scripted'), dir, { recursive: true })
  const file = path.join(dir, 'action.yml')
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('post-if: success()', `post-if: ${postIf}`)
  )
  return dir
}

describe('runAction with the reporter fixture', () => {
  let run: ActionRun
  const streamed: string[] = []
  process.env['HARNESS_TEST_CANARY'] = 'must not leak'

  it('runs main and post successfully', async () => {
    run = await runAction({
      // Relative to the repository root, like a sub-action directory.
      actionDir: '__tests__/harness/fixtures/reporter',
      inputs: { 'image-name': 'nightly', unknown: 'x' },
      env: { TENCENTCLOUD_SECRET_ID: 'AKIDtest' },
      githubContext: { eventName: 'pull_request', event: { number: 42 } },
      onOutput: chunk => streamed.push(chunk)
    })
    expect(run.outcome).toBe('success')
    expect(run.exitCode).toBe(0)
    expect(run.post?.outcome).toBe('success')
    expect(streamed.join('')).toContain('connecting with ***\n')
    expect(streamed.join('')).not.toContain('s3cr3t-value')
  })

  it('passes inputs as the runner does: defaults, hyphens, spaces, undeclared ones', () => {
    const env = JSON.parse(run.outputs['env'] ?? '{}') as Record<string, string>
    expect(env['INPUT_IMAGE-NAME']).toBe('nightly')
    expect(env['INPUT_POLL_INTERVAL']).toBe('5')
    expect(env['INPUT_REGION']).toBe('ap-guangzhou')
    expect(env['INPUT_TOKEN']).toMatch(/^ghs_/)
    expect(env['INPUT_NO-DEFAULT']).toBe('')
    expect(env['INPUT_UNKNOWN']).toBe('x')
    expect(run.unexpectedInputs).toEqual(['unknown'])
    expect(run.runnerWarnings[0]).toBe(
      "Unexpected input(s) 'unknown', valid inputs are ['image-name', 'poll interval', 'region', 'token', 'no-default']"
    )
  })

  it('gives the runner environment, not the test process environment', () => {
    const env = JSON.parse(run.outputs['env'] ?? '{}') as Record<string, string>
    expect(env['GITHUB_ACTIONS']).toBe('true')
    expect(env['GITHUB_REPOSITORY']).toBe('octo-org/octo-repo')
    expect(env['GITHUB_REPOSITORY_OWNER']).toBe('octo-org')
    expect(env['GITHUB_SHA']).toMatch(/^[0-9a-f]{40}$/)
    expect(env['GITHUB_REF']).toBe('refs/pull/42/merge')
    expect(env['GITHUB_EVENT_NAME']).toBe('pull_request')
    expect(env['TENCENTCLOUD_SECRET_ID']).toBe('AKIDtest')
    expect(env['HARNESS_TEST_CANARY']).toBeUndefined()
    expect(env['NODE_OPTIONS']).toBeUndefined()
    expect(env['GITHUB_WORKSPACE']).toBe(run.workspace)
    expect(run.outputs['cwd']).toBe(run.workspace)
  })

  it('collects outputs in both forms, state, summary, env and path', () => {
    expect(run.outputs['image-name']).toBe('nightly')
    expect(run.outputs['multi-line']).toBe('first\nsecond')
    expect(run.outputs['equals']).toBe('a=b<<c')
    expect(run.outputs['legacy']).toBe('old style')
    expect(run.state).toEqual({ 'image-id': 'img-12345678', notes: 'line one\nline two' })
    expect(run.summary).toBe('### Image img-12345678 is ready\n')
    expect(run.exportedEnv).toEqual({ FROM_MAIN: 'exported by main' })
    expect(run.path).toEqual(['/opt/fake-tool/bin'])
  })

  it('removes add-mask lines from stdout and records the masks', () => {
    expect(run.masks).toEqual(['s3cr3t-value'])
    expect(run.rawStdout).toContain('::add-mask::s3cr3t-value')
    expect(run.stdout).not.toContain('::add-mask::')
    expect(run.stdout).toContain('connecting with s3cr3t-value')
  })

  it('parses workflow commands and annotations from stdout and stderr', () => {
    expect(run.annotations).toEqual([
      {
        level: 'error',
        title: 'Bad: thing, really',
        file: 'src/a.ts',
        line: '3',
        message: 'first\nsecond 100%'
      },
      { level: 'warning', message: 'careful' },
      { level: 'notice', title: 'Note', message: 'fyi' },
      { level: 'warning', message: 'from stderr' }
    ])
    const names = run.commands.map(command => command.command)
    expect(names).toEqual(expect.arrayContaining(['group', 'debug', 'endgroup', 'set-output']))
    expect(names).not.toContain('unknown-command')
  })

  it('hands state, inputs and exported env to the post step', () => {
    const post = run.post?.outputs ?? {}
    expect(JSON.parse(post['state'] ?? '{}')).toEqual({
      'STATE_image-id': 'img-12345678',
      STATE_notes: 'line one\nline two'
    })
    expect(JSON.parse(post['inputs'] ?? '{}')).toMatchObject({ 'INPUT_IMAGE-NAME': 'nightly' })
    expect(post['from-main']).toBe('exported by main')
    expect(post['path']?.startsWith('/opt/fake-tool/bin:')).toBe(true)
  })
})

describe('runAction outcomes and post-if', () => {
  it('reports a non-zero exit as failure and skips a success() post', async () => {
    const run = await runAction({
      actionDir: scriptedWithPostIf('success()'),
      inputs: { 'exit-code': '3' }
    })
    expect(run.exitCode).toBe(3)
    expect(run.outcome).toBe('failure')
    expect(run.annotations).toEqual([{ level: 'error', message: 'main failed with 3' }])
    expect(run.post).toBeUndefined()
    expect(run.postSkippedReason).toMatch(/success\(\).*failure/)
  })

  const variants: Array<[string, string, boolean]> = [
    ['failure()', '1', true],
    ['failure()', '0', false],
    ['always()', '1', true],
    ["'!cancelled()'", '1', true],
    ['success() || failure()', '0', true]
  ]
  it.each(variants)('post-if %s after exit %s runs post: %s', async (postIf, exitCode, runs) => {
    const run = await runAction({
      actionDir: scriptedWithPostIf(postIf),
      inputs: { 'exit-code': exitCode }
    })
    expect(run.post !== undefined).toBe(runs)
    if (runs) expect(run.post?.stdout).toBe('post ran\n')
  })

  it('skips post when runPost is false', async () => {
    const run = await runAction({ actionDir: path.join(fixtures, 'scripted'), runPost: false })
    expect(run.outcome).toBe('success')
    expect(run.post).toBeUndefined()
  })

  it('fails the step on a malformed GITHUB_OUTPUT, as the runner does', async () => {
    const run = await runAction({
      actionDir: path.join(fixtures, 'scripted'),
      inputs: { 'output-text': 'ok=1\nbroken<<EOF\nno end\n' }
    })
    expect(run.exitCode).toBe(0)
    expect(run.outcome).toBe('failure')
    expect(run.runnerErrors[0]).toMatch(/file command 'output'.*Matching delimiter not found 'EOF'/)
  })

  it('kills a step that outlives timeoutMs', async () => {
    const run = await runAction({
      actionDir: path.join(fixtures, 'scripted'),
      inputs: { 'sleep-ms': '60000' },
      timeoutMs: 500
    })
    expect(run.timedOut).toBe(true)
    expect(run.signal).toBe('SIGKILL')
    expect(run.outcome).toBe('failure')
    expect(run.durationMs).toBeLessThan(5000)
  })
})

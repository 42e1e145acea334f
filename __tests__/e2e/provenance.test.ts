// Provenance tags through dist/index.js: read from the runner's environment and event payload.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { baseInputs, calls, emulator, runImageAction } from './support.ts'

let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

function sentTags(): Record<string, string> {
  const [create] = calls(emu, 'CreateImage')
  const spec = create!.params.TagSpecification as { Tags: { Key: string; Value: string }[] }[]
  return Object.fromEntries((spec?.[0]?.Tags ?? []).map(t => [t.Key, t.Value]))
}

describe('provenance tags', () => {
  it('tag a pull-request build with repository, sha, ref, run, attempt and PR number', async () => {
    emu = await emulator()
    const run = await runImageAction(
      { ...baseInputs(emu, 'pr-42'), tags: 'team=web, github:ref=chosen-by-user' },
      {
        githubContext: {
          repository: 'octo-org/web',
          sha: '0123456789abcdef0123456789abcdef01234567',
          eventName: 'pull_request',
          runId: '987654321',
          runAttempt: '3',
          event: { number: 42, pull_request: { number: 42, head: { ref: 'feature/x' } } }
        }
      }
    )
    expect(run.exitCode).toBe(0)
    expect(sentTags()).toEqual({
      team: 'web',
      // The user's tag wins over the provenance tag of the same key.
      'github:ref': 'chosen-by-user',
      'github:repository': 'octo-org/web',
      'github:sha': '0123456789abcdef0123456789abcdef01234567',
      'github:run-id': '987654321',
      'github:run-attempt': '3',
      'github:pull-request': '42'
    })
    expect(emu.state.getImage(run.outputs['image-id']!)?.Tags).toContainEqual({
      Key: 'github:pull-request',
      Value: '42'
    })
  })

  it('turn a ref with characters Tencent Cloud refuses into a valid value', async () => {
    emu = await emulator()
    const run = await runImageAction(baseInputs(emu), {
      githubContext: { ref: 'refs/heads/fix#12(urgent)' }
    })
    expect(run.exitCode).toBe(0)
    expect(sentTags()['github:ref']).toBe('refs/heads/fix_12_urgent_')
  })

  it('are left out with provenance-tags false', async () => {
    emu = await emulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      tags: 'team=web',
      'provenance-tags': 'false'
    })
    expect(run.exitCode).toBe(0)
    expect(sentTags()).toEqual({ team: 'web' })
  })

  it('give way to the user tags within the 50-tag limit, with a warning', async () => {
    emu = await emulator()
    const tags = Array.from({ length: 48 }, (_, i) => `k${i}=v${i}`).join('\n')
    const run = await runImageAction({ ...baseInputs(emu), tags })
    expect(run.exitCode).toBe(0)
    const sent = sentTags()
    expect(Object.keys(sent)).toHaveLength(50)
    expect(sent['github:repository']).toBe('octo-org/octo-repo')
    expect(sent['github:sha']).toBeDefined()
    expect(sent['github:ref']).toBeUndefined()
    const warning = run.annotations.find(a => a.level === 'warning')
    expect(warning?.message).toContain(
      'provenance tags github:ref, github:run-id, github:run-attempt were left out'
    )
  })
})

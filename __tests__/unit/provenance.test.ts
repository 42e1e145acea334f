import { describe, expect, it } from '@jest/globals'
import { checkTag } from '../../src/image/tags.ts'
import { mergeTags, provenanceTags, readRunContext, tagValue } from '../../src/image/provenance.ts'

const env = {
  GITHUB_REPOSITORY: 'octo-org/web',
  GITHUB_SHA: 'abc123',
  GITHUB_REF: 'refs/heads/feature/x',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_EVENT_PATH: '/event.json'
}

describe('readRunContext', () => {
  it('reads the pull-request number from the event payload', () => {
    const ctx = readRunContext(env, () => JSON.stringify({ pull_request: { number: 7 } }))
    expect(ctx).toEqual({
      repository: 'octo-org/web',
      sha: 'abc123',
      ref: 'refs/heads/feature/x',
      runId: '42',
      runAttempt: '2',
      pullRequest: 7
    })
  })

  it('has no number for a push, a missing payload or one that is not JSON', () => {
    expect(readRunContext(env, () => '{"ref":"refs/heads/main"}').pullRequest).toBeUndefined()
    expect(readRunContext(env, () => 'not json').pullRequest).toBeUndefined()
    const missing = () => {
      throw new Error('ENOENT')
    }
    expect(readRunContext(env, missing).pullRequest).toBeUndefined()
    expect(readRunContext({}, missing)).toEqual({})
  })
})

describe('tagValue', () => {
  it('keeps a ref with slashes, replaces refused characters and cuts at 255', () => {
    expect(tagValue('refs/heads/feature/x')).toBe('refs/heads/feature/x')
    expect(tagValue('refs/heads/a#b!c')).toBe('refs/heads/a_b_c')
    expect(tagValue('分支')).toBe('分支')
    const long = tagValue('refs/heads/' + 'x'.repeat(400))
    expect([...long]).toHaveLength(255)
    expect(() => checkTag('tags', 'github:ref', long)).not.toThrow()
  })
})

describe('provenanceTags', () => {
  it('makes valid tags and leaves out what is unknown', () => {
    const tags = provenanceTags({ repository: 'o/r', sha: 'abc', runId: '1' })
    expect(tags).toEqual([
      { Key: 'github:repository', Value: 'o/r' },
      { Key: 'github:sha', Value: 'abc' },
      { Key: 'github:run-id', Value: '1' }
    ])
    for (const tag of tags) expect(() => checkTag('tags', tag.Key, tag.Value)).not.toThrow()
  })
})

describe('mergeTags', () => {
  const provenance = provenanceTags({ repository: 'o/r', sha: 'abc', ref: 'refs/heads/main' })

  it('lets the user tags win on a clash', () => {
    const merged = mergeTags([{ Key: 'github:sha', Value: 'mine' }], provenance)
    expect(merged.tags).toEqual([
      { Key: 'github:sha', Value: 'mine' },
      { Key: 'github:repository', Value: 'o/r' },
      { Key: 'github:ref', Value: 'refs/heads/main' }
    ])
    expect(merged.overridden).toEqual(['github:sha'])
    expect(merged.dropped).toEqual([])
  })

  it('never goes over 50 tags', () => {
    const user = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    const merged = mergeTags(user, provenance)
    expect(merged.tags).toHaveLength(50)
    expect(merged.tags.slice(0, 49)).toEqual(user)
    expect(merged.dropped).toEqual(['github:sha', 'github:ref'])
    const full = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    expect(mergeTags(full, provenance).tags).toEqual(full)
  })
})

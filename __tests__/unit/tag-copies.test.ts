import { describe, expect, it } from '@jest/globals'
import { newPublished, type Published } from '../../src/publish/published.ts'
import { tagCopies, type TagCopiesContext } from '../../src/publish/tag-copies.ts'
import { ActionFailure } from '../../src/runner/failure.ts'
import { fakeApi, fakeClock, type FakeApi, type Handler } from '../../__fixtures__/fakes.ts'

const UIN = '100000000001'
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }))

/** n destination regions, each with a copy this run made. */
function made(n: number): Published {
  const regions = Array.from({ length: n }, (_, i) => `ap-region-${i + 1}`)
  const published = newPublished('ap-guangzhou', regions, [])
  published.copies.forEach((copy, i) => {
    copy.imageId = `img-copy${String(i).padStart(4, '0')}`
    copy.state = 'NORMAL'
  })
  return published
}

function setup(tagHandler: Handler = () => ({ RequestId: 'r-tag' })) {
  const clock = fakeClock()
  const tagApi = fakeApi(tagHandler)
  const cvm = new Map<string, FakeApi>()
  let lookups = 0
  const ctx: TagCopiesContext = {
    clock,
    random: () => 0.5,
    deadline: clock.now() + 60_000,
    log: () => {},
    tagApi,
    accountId: async () => {
      lookups++
      return UIN
    }
  }
  const clientFor = (region: string) => {
    let api = cvm.get(region)
    if (!api) cvm.set(region, (api = fakeApi(() => ({ RequestId: 'r-cvm' }))))
    return api
  }
  return { ctx, tagApi, cvm, clientFor, lookups: () => lookups }
}

describe('tagCopies', () => {
  it('tags 11 copies with 12 tags in calls of at most 10 resources and 10 tags', async () => {
    const published = made(11)
    const { ctx, tagApi, clientFor, lookups } = setup()
    await tagCopies(published, { tags: tags(12), family: '' }, clientFor, ctx)
    expect(lookups()).toBe(1)
    const shapes = tagApi.calls.map(c => [
      (c.params.ResourceList as string[]).length,
      (c.params.Tags as unknown[]).length
    ])
    expect(shapes).toEqual([
      [10, 10],
      [10, 2],
      [1, 10],
      [1, 2]
    ])
    const names = new Set(tagApi.calls.flatMap(c => c.params.ResourceList as string[]))
    expect(names).toEqual(
      new Set(published.copies.map(c => `qcs::cvm:${c.region}:uin/${UIN}:image/${c.imageId}`))
    )
    expect(tagApi.calls[0]!.params.Tags).toContainEqual({ TagKey: 'k0', TagValue: 'v0' })
  })

  it('never touches a reused copy, and asks for the account only when a copy is to be tagged', async () => {
    const published = made(2)
    for (const copy of published.copies) copy.reused = true
    const { ctx, tagApi, cvm, clientFor, lookups } = setup()
    await tagCopies(published, { tags: tags(3), family: 'app-base' }, clientFor, ctx)
    expect(tagApi.calls).toEqual([])
    expect([...cvm.values()].flatMap(api => api.calls)).toEqual([])
    expect(lookups()).toBe(0)
  })

  it('sets the family only on copies that lack it', async () => {
    const published = made(2)
    published.copies[0]!.family = 'app-base'
    published.copies[1]!.family = ''
    const { ctx, cvm, clientFor, lookups } = setup()
    await tagCopies(published, { tags: [], family: 'app-base' }, clientFor, ctx)
    expect(lookups()).toBe(0)
    expect(cvm.get('ap-region-1')?.calls ?? []).toEqual([])
    expect(cvm.get('ap-region-2')!.calls).toEqual([
      {
        action: 'ModifyImageAttribute',
        params: { ImageId: 'img-copy0001', ImageFamily: 'app-base' }
      }
    ])
    expect(published.copies[1]!.family).toBe('app-base')
  })

  it('fails naming each copy the Tag service lists in FailedResources, with its code', async () => {
    const published = made(2)
    const failedName = `qcs::cvm:ap-region-2:uin/${UIN}:image/img-copy0001`
    const { ctx, clientFor } = setup(() => ({
      FailedResources: [
        { Resource: failedName, Code: 'FailedOperation.ResourceTagProcessing', Message: 'busy' }
      ],
      RequestId: 'r-partial'
    }))
    const error = await tagCopies(published, { tags: tags(1), family: '' }, clientFor, ctx).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionFailure)
    expect((error as ActionFailure).message).toContain(
      'ap-region-2: copy img-copy0001: FailedOperation.ResourceTagProcessing: busy'
    )
    expect((error as ActionFailure).message).toContain('RequestId: r-partial')
  })
})

import { describe, expect, it } from '@jest/globals'
import { copyToRegions, type CopyContext, type RegionClaim } from '../../src/publish/copy.ts'
import { ActionFailure } from '../../src/runner/failure.ts'
import { newPublished } from '../../src/publish/published.ts'
import { defaultSchedule } from '../../src/image/schedule.ts'
import {
  fakeApi,
  fakeClock,
  sdkError,
  type FakeApi,
  type Handler
} from '../../__fixtures__/fakes.ts'

const source = { region: 'ap-guangzhou', imageId: 'img-src00001', name: 'app-1' }

function setup(handlers: Record<string, Handler>, timeoutMs = 3_600_000) {
  const clock = fakeClock()
  const lines: string[] = []
  const warnings: string[] = []
  /** What the watch was told, in order: 'sending <regions>', 'known', 'settled'. */
  const events: string[] = []
  const sent: RegionClaim[][] = []
  const apis: Record<string, FakeApi> = {}
  for (const [region, handler] of Object.entries(handlers)) {
    apis[region] = fakeApi(region === source.region ? sourceRegion(handler) : handler)
  }
  const ctx: CopyContext = {
    clock,
    random: () => 0,
    deadline: clock.now() + timeoutMs,
    schedule: defaultSchedule(8_000),
    log: message => lines.push(message),
    warn: message => warnings.push(message),
    watch: {
      sending: claims => {
        events.push(`sending ${claims.map(c => c.region).join(',')}`)
        sent.push(claims)
      },
      settled: () => events.push('settled'),
      known: () => events.push('known')
    },
    ifExists: 'fail',
    pollMs: 8_000
  }
  const clientFor = (region: string) => apis[region]!
  return { clock, lines, warnings, events, sent, apis, ctx, clientFor }
}

/** The source's region: polls of the source (once the copies are done) find it NORMAL. */
function sourceRegion(handler: Handler): Handler {
  return (action, params) => {
    const ids = params.ImageIds as string[] | undefined
    if (action === 'DescribeImages' && ids?.[0] === source.imageId) {
      return { ImageSet: [{ ImageId: source.imageId, ImageName: 'app-1', ImageState: 'NORMAL' }] }
    }
    return handler(action, params)
  }
}

function syncs(api: FakeApi) {
  return api.calls.filter(c => c.action === 'SyncImages')
}

/** A destination that lists `imageId` in `state`, and finds it by name when asked. */
function destination(imageId: string, states: string[], createdTime?: () => string): Handler {
  let poll = 0
  let lookups = 0
  return (action, params) => {
    if (action !== 'DescribeImages') throw new Error(`unexpected ${action}`)
    if (params.Filters) {
      // The first look-up, before SyncImages, finds nothing: the copy does not exist yet.
      const listed = createdTime && lookups++ > 0
      return {
        ImageSet: listed
          ? [
              {
                ImageId: imageId,
                ImageName: 'app-1',
                CreatedTime: createdTime(),
                ImageState: 'SYNCING'
              }
            ]
          : [],
        TotalCount: listed ? 1 : 0
      }
    }
    const ImageState = states[Math.min(poll++, states.length - 1)]
    return { ImageSet: [{ ImageId: imageId, ImageName: 'app-1', ImageState, SyncPercent: 50 }] }
  }
}

describe('copyToRegions', () => {
  it('sends one SyncImages for every region and waits for each copy in its own region', async () => {
    const { ctx, apis, clientFor, clock, events, sent } = setup({
      'ap-guangzhou': () => ({
        ImageSet: [
          { ImageId: 'img-sh000001', Region: 'ap-shanghai' },
          { ImageId: 'img-bj000001', Region: 'ap-beijing' }
        ],
        RequestId: 'req-1'
      }),
      'ap-shanghai': destination('img-sh000001', ['SYNCING', 'NORMAL']),
      'ap-beijing': destination('img-bj000001', ['SYNCING', 'SYNCING', 'NORMAL'])
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], [])
    // The ids the watch could read in published when it was told they were known.
    const idsWhenKnown: (string | undefined)[][] = []
    const watch = {
      ...ctx.watch,
      known: () => {
        ctx.watch.known()
        idsWhenKnown.push(published.copies.map(c => c.imageId))
      }
    }
    const sentAt = clock.now()
    await copyToRegions(source, clientFor, published, { ...ctx, watch })
    // SyncImages, then, once the copies are NORMAL, a poll of the source, which the copying held.
    expect(apis['ap-guangzhou']!.calls).toEqual([
      {
        action: 'SyncImages',
        params: {
          ImageIds: ['img-src00001'],
          DestinationRegions: ['ap-shanghai', 'ap-beijing'],
          ImageSetRequired: true
        }
      },
      { action: 'DescribeImages', params: { ImageIds: ['img-src00001'] } }
    ])
    // Told before SyncImages left, with what each region's copy may be; then, once, of the ids
    // (before the wait), and that the send is settled.
    expect(events).toEqual(['sending ap-shanghai,ap-beijing', 'known', 'settled'])
    expect(sent[0]).toEqual(
      ['ap-shanghai', 'ap-beijing'].map(region => ({
        region,
        claim: { name: 'app-1', notBefore: sentAt - 5 * 60_000, preexisting: [], tags: [] }
      }))
    )
    expect(idsWhenKnown).toEqual([['img-sh000001', 'img-bj000001']])
    expect(published.copies.map(c => [c.region, c.imageId, c.state])).toEqual([
      ['ap-shanghai', 'img-sh000001', 'NORMAL'],
      ['ap-beijing', 'img-bj000001', 'NORMAL']
    ])
    // One look-up by name before SyncImages, then three polls.
    expect(apis['ap-beijing']!.calls.map(c => (c.params.Filters ? 'look-up' : 'poll'))).toEqual([
      'look-up',
      'poll',
      'poll',
      'poll'
    ])
    expect(published.copies.every(c => c.elapsedMs! > 0 && !c.failure)).toBe(true)
  })

  it('after a lost SyncImages answer, adopts the copies it made and resends for the others', async () => {
    const { ctx, clock, apis, clientFor, lines, events } = setup({
      'ap-guangzhou': (() => {
        let n = 0
        return (_action: string, params: Record<string, unknown>) => {
          if (n++ === 0) throw sdkError({ message: 'socket hang up' })
          expect(params.DestinationRegions).toEqual(['ap-beijing'])
          return { ImageSet: [{ ImageId: 'img-bj000001', Region: 'ap-beijing' }] }
        }
      })(),
      'ap-shanghai': destination('img-sh000001', ['NORMAL'], () =>
        new Date(clock.now()).toISOString()
      ),
      'ap-beijing': destination('img-bj000001', ['NORMAL'])
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], [])
    await copyToRegions(source, clientFor, published, ctx)
    expect(syncs(apis['ap-guangzhou']!)).toHaveLength(2)
    expect(published.copies.map(c => [c.imageId, c.adopted ?? false])).toEqual([
      ['img-sh000001', true],
      ['img-bj000001', false]
    ])
    expect(lines.some(l => l.includes('adopting img-sh000001 in ap-shanghai'))).toBe(true)
    // The resend claims only the region still without a copy. An answer was lost, so the watch is
    // never told the sends are settled: the copies it was told are known account for them.
    expect(events).toEqual([
      'sending ap-shanghai,ap-beijing',
      'known',
      'sending ap-beijing',
      'known'
    ])
  })

  it('never adopts a copy that had the name before SyncImages, however recent', async () => {
    const { ctx, clock, clientFor, events, sent } = setup({
      'ap-guangzhou': (() => {
        let n = 0
        return () => {
          if (n++ === 0) throw sdkError({ message: 'socket hang up' })
          throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
        }
      })(),
      // Another run's copy, made a minute ago, is listed from the first look-up on.
      'ap-shanghai': (_action, params) =>
        params.Filters
          ? {
              TotalCount: 1,
              ImageSet: [
                {
                  ImageId: 'img-theirs01',
                  ImageName: 'app-1',
                  CreatedTime: new Date(clock.now() - 60_000).toISOString(),
                  ImageState: 'NORMAL'
                }
              ]
            }
          : { ImageSet: [] }
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [])
    const error = await copyToRegions(source, clientFor, published, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.message).toContain('InvalidImageName.Duplicate')
    expect(published.copies[0]!.imageId).toBeUndefined()
    // The claim names what had the name before; a lost answer leaves the send unsettled.
    expect(sent[0]![0]!.claim.preexisting).toEqual(['img-theirs01'])
    expect(events).not.toContain('settled')
    expect(events.filter(e => e.startsWith('sending'))).toEqual([
      'sending ap-shanghai',
      'sending ap-shanghai'
    ])
  })

  it('does not adopt an older image of the same name', async () => {
    const { ctx, clock, apis, clientFor } = setup({
      'ap-guangzhou': (() => {
        let n = 0
        return () => {
          if (n++ === 0) throw sdkError({ httpCode: 502, message: 'Bad Gateway' })
          return { ImageSet: [{ ImageId: 'img-sh000002', Region: 'ap-shanghai' }] }
        }
      })(),
      'ap-shanghai': (action, params) =>
        params.Filters
          ? destination('img-old00001', [], () => new Date(clock.now() - 3_600_000).toISOString())(
              action,
              params
            )
          : destination('img-sh000002', ['NORMAL'])(action, params)
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [])
    await copyToRegions(source, clientFor, published, ctx)
    expect(syncs(apis['ap-guangzhou']!)).toHaveLength(2)
    expect(published.copies[0]!.imageId).toBe('img-sh000002')
  })

  it('looks a copy up by name when SyncImages leaves it out of ImageSet', async () => {
    const { ctx, clock, clientFor } = setup({
      'ap-guangzhou': () => ({ RequestId: 'r' }),
      'ap-shanghai': destination('img-sh000001', ['NORMAL'], () =>
        new Date(clock.now()).toISOString()
      )
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [])
    await copyToRegions(source, clientFor, published, ctx)
    expect(published.copies[0]).toMatchObject({ imageId: 'img-sh000001', state: 'NORMAL' })
    expect(published.copies[0]!.adopted).toBeUndefined()
  })

  it('lets every region finish, then fails naming the region whose copy failed', async () => {
    const { ctx, clientFor } = setup({
      'ap-guangzhou': () => ({
        ImageSet: [
          { ImageId: 'img-sh000001', Region: 'ap-shanghai' },
          { ImageId: 'img-bj000001', Region: 'ap-beijing' }
        ]
      }),
      'ap-shanghai': destination('img-sh000001', ['SYNCING', 'SYNCING', 'SYNCING', 'NORMAL']),
      'ap-beijing': destination('img-bj000001', ['CREATEFAILED'])
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], ['100000000002'])
    const error = await copyToRegions(source, clientFor, published, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.title).toBe('Image copy failed')
    expect(error.message).toContain('failed in 1 of 2 regions')
    expect(error.message).toContain('ap-beijing: copy img-bj000001 ended in CREATEFAILED')
    expect(error.message).toContain('Ready: ap-shanghai img-sh000001.')
    expect(error.message).toContain('Nothing was shared.')
    expect(published.copies.map(c => c.state)).toEqual(['NORMAL', 'CREATEFAILED'])
  })

  it('times every copy out at the one deadline', async () => {
    const { ctx, clientFor } = setup(
      {
        'ap-guangzhou': () => ({
          ImageSet: [
            { ImageId: 'img-sh000001', Region: 'ap-shanghai' },
            { ImageId: 'img-bj000001', Region: 'ap-beijing' }
          ]
        }),
        'ap-shanghai': destination('img-sh000001', ['SYNCING']),
        'ap-beijing': destination('img-bj000001', ['SYNCING'])
      },
      60_000
    )
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], [])
    const error = await copyToRegions(source, clientFor, published, ctx).catch(e => e)
    expect(error.title).toBe('Timed out waiting for image copies')
    expect(error.message).toMatch(/ap-shanghai: copy img-sh000001 was still SYNCING \(50%\)/)
    expect(published.copies.every(c => c.timedOut && c.syncPercent === 50)).toBe(true)
    expect(ctx.clock.now()).toBeGreaterThanOrEqual(ctx.deadline)
  })

  it('turns a refused SyncImages into an error that names the regions', async () => {
    const { ctx, clientFor, events } = setup({
      'ap-guangzhou': () => {
        throw sdkError({
          code: 'InvalidRegion.NotFound',
          message: 'no such region',
          requestId: 'r-9'
        })
      }
    })
    const published = newPublished('ap-guangzhou', ['ap-nowhere'], [])
    const error = await copyToRegions(source, clientFor, published, ctx).catch(e => e)
    expect(error.title).toBe('SyncImages failed: InvalidRegion.NotFound')
    expect(error.message).toMatch(
      /^Copying img-src00001 to ap-nowhere failed, so nothing was copied or shared\. .*RequestId: r-9.*copy-to-regions/
    )
    expect(published.copies[0]!.state).toBe('NOT_COPIED')
    // The region's look-up failed, so it gets no claim (nothing there may ever be adopted or
    // handed on for deleting); the definite refusal settles the send.
    expect(events).toEqual(['sending ', 'settled'])
  })

  it('warns about a state it does not know, naming the region, and goes on waiting', async () => {
    const { ctx, clientFor, warnings } = setup({
      'ap-guangzhou': () => ({ ImageSet: [{ ImageId: 'img-sh000001', Region: 'ap-shanghai' }] }),
      'ap-shanghai': destination('img-sh000001', ['SOMETHING_NEW', 'SOMETHING_NEW', 'NORMAL'])
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [])
    await copyToRegions(source, clientFor, published, ctx)
    expect(published.copies[0]!.state).toBe('NORMAL')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^ap-shanghai: img-sh000001 is in state 'SOMETHING_NEW'/)
  })

  it('fails naming the region whose copy was deleted while it was waited for', async () => {
    let polls = 0
    const { ctx, clientFor } = setup({
      'ap-guangzhou': () => ({ ImageSet: [{ ImageId: 'img-sh000001', Region: 'ap-shanghai' }] }),
      'ap-shanghai': (_action, params) => {
        if (params.Filters) return { ImageSet: [], TotalCount: 0 }
        // Listed once, then never again.
        return polls++ === 0
          ? { ImageSet: [{ ImageId: 'img-sh000001', ImageName: 'app-1', ImageState: 'SYNCING' }] }
          : { ImageSet: [] }
      }
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [])
    const error = await copyToRegions(source, clientFor, published, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.title).toBe('Image copy failed')
    expect(error.message).toContain(
      'ap-shanghai: Image img-sh000001 was SYNCING and is no longer listed'
    )
    expect(published.copies[0]!.timedOut).toBeUndefined()
  })
})

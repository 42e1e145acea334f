import { describe, expect, it } from '@jest/globals'
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import { buildCreateImageRequest, createImage, type CreateContext } from '../../src/image/create.ts'
import { newClaim, type Claim } from '../../src/image/ownership.ts'
import type { ImageSpec } from '../../src/image/spec.ts'
import type { Tag } from '../../src/image/tags.ts'
import { ApiCallError } from '../../src/tencent/errors.ts'
import { callOptions } from '../../src/tencent/retry.ts'
import { fakeApi, fakeClock, scripted, sdkError, type Handler } from '../../__fixtures__/fakes.ts'

const spec: ImageSpec = {
  name: 'app',
  instanceId: 'ins-abcd1234',
  snapshotIds: [],
  dataDiskIds: [],
  forcePoweroff: false,
  sysprep: false,
  dryRun: false,
  tags: []
}

/**
 * A context whose watch writes 'sending' and 'settled' into `events`, and a claim written as the
 * run writes it: before the first send, from what had the name then and the request's tags.
 */
function setup(options: { preexisting?: Image[]; tags?: Tag[] } = {}) {
  const clock = fakeClock()
  const events: string[] = []
  const sent: Claim[] = []
  const claim = newClaim('app', clock.now(), options.preexisting ?? [], options.tags ?? [])
  const ctx: CreateContext = {
    clock,
    random: () => 0.5,
    deadline: clock.now() + 600_000,
    log: () => undefined,
    watch: {
      sending: c => {
        events.push('sending')
        sent.push(c)
      },
      settled: () => events.push('settled')
    }
  }
  return { clock, ctx, claim, events, sent }
}

/** A fake API whose calls go into the same timeline as the watch's events. */
function recorded(events: string[], handler: Handler) {
  return fakeApi((action, params, options) => {
    events.push(action)
    return handler(action, params, options)
  })
}

const lost = sdkError({ message: 'request to http://127.0.0.1/ failed, reason: socket hang up' })
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

describe('buildCreateImageRequest', () => {
  it('leaves empty optional inputs out', () => {
    expect(buildCreateImageRequest(spec)).toEqual({ ImageName: 'app', InstanceId: 'ins-abcd1234' })
  })

  it('uses the API wire types', () => {
    const request = buildCreateImageRequest({
      ...spec,
      dataDiskIds: ['disk-aaaa1111'],
      description: 'd',
      forcePoweroff: true,
      sysprep: true,
      dryRun: true,
      tags: [{ Key: 'k', Value: 'v' }],
      family: 'fam'
    })
    expect(request).toEqual({
      ImageName: 'app',
      InstanceId: 'ins-abcd1234',
      DataDiskIds: ['disk-aaaa1111'],
      ImageDescription: 'd',
      ForcePoweroff: 'true',
      Sysprep: 'true',
      DryRun: true,
      TagSpecification: [{ ResourceType: 'image', Tags: [{ Key: 'k', Value: 'v' }] }],
      ImageFamily: 'fam'
    })
  })
})

describe('createImage', () => {
  it('returns the new image id and RequestId', async () => {
    const { ctx, claim } = setup()
    const api = fakeApi(scripted({ ImageId: 'img-11112222', RequestId: 'r-1' }))
    await expect(createImage(api, spec, claim, ctx)).resolves.toEqual({
      kind: 'created',
      imageId: 'img-11112222',
      requestId: 'r-1'
    })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage'])
  })

  it("sends with the step's cancellation and time limit", async () => {
    const { ctx: base, claim } = setup()
    const abort = new AbortController()
    const ctx = { ...base, signal: abort.signal }
    const api = fakeApi(scripted({ ImageId: 'img-11112222', RequestId: 'r-1' }))
    await createImage(api, spec, claim, ctx)
    // The fake clock stands still, so the options are those of the moment of the send.
    expect(api.options).toEqual([callOptions(ctx)])
    expect(api.options[0]!.signal).toBe(abort.signal)
    expect(api.options[0]!.timeoutMs).toBeGreaterThanOrEqual(600_000)
  })

  it('treats a plain success and DryRunOperation both as a passing dry run', async () => {
    const dry = { ...spec, dryRun: true }
    const first = setup()
    const plain = await createImage(
      fakeApi(scripted({ RequestId: 'r-2' })),
      dry,
      first.claim,
      first.ctx
    )
    expect(plain).toEqual({ kind: 'dry-run', requestId: 'r-2' })
    const second = setup()
    const asError = await createImage(
      fakeApi(scripted(sdkError({ code: 'DryRunOperation', requestId: 'r-3' }))),
      dry,
      second.claim,
      second.ctx
    )
    expect(asError).toEqual({ kind: 'dry-run', requestId: 'r-3' })
  })

  it('does not treat DryRunOperation as success outside a dry run', async () => {
    const { ctx, claim } = setup()
    const api = fakeApi(scripted(sdkError({ code: 'DryRunOperation' })))
    await expect(createImage(api, spec, claim, ctx)).rejects.toBeInstanceOf(ApiCallError)
  })

  it('retries a throttled CreateImage without looking the name up', async () => {
    const { ctx, claim } = setup()
    const api = fakeApi(
      scripted(sdkError({ code: 'RequestLimitExceeded' }), {
        ImageId: 'img-33334444',
        RequestId: 'r'
      })
    )
    const result = await createImage(api, spec, claim, ctx)
    expect(result.kind).toBe('created')
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'CreateImage'])
  })

  it('adopts the image a lost CreateImage made instead of making a second one', async () => {
    const { ctx, claim, clock } = setup()
    const api = fakeApi((action, params) => {
      if (action === 'CreateImage') throw lost
      expect(params.Filters).toEqual([
        { Name: 'image-name', Values: ['app'] },
        { Name: 'image-type', Values: ['PRIVATE_IMAGE'] }
      ])
      return {
        TotalCount: 2,
        ImageSet: [
          { ImageId: 'img-near0000', ImageName: 'app-2', CreatedTime: iso(clock.now()) },
          { ImageId: 'img-5555aaaa', ImageName: 'app', CreatedTime: iso(clock.now()) }
        ]
      }
    })
    const result = await createImage(api, spec, claim, ctx)
    expect(result).toEqual({ kind: 'adopted', imageId: 'img-5555aaaa', requestId: '' })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'DescribeImages'])
  })

  it('sends again when the lost CreateImage made nothing', async () => {
    const { ctx, claim } = setup()
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') return { TotalCount: 0, ImageSet: [] }
      if (++creates === 1) throw sdkError({ httpCode: 502 })
      return { ImageId: 'img-66667777', RequestId: 'r-2' }
    })
    const result = await createImage(api, spec, claim, ctx)
    expect(result).toEqual({ kind: 'created', imageId: 'img-66667777', requestId: 'r-2' })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'DescribeImages', 'CreateImage'])
  })

  it('does not adopt an older image of the same name', async () => {
    const { ctx, claim, clock } = setup()
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        return {
          TotalCount: 1,
          ImageSet: [
            {
              ImageId: 'img-old00000',
              ImageName: 'app',
              CreatedTime: iso(clock.now() - 86_400_000)
            }
          ]
        }
      }
      if (++creates === 1) throw lost
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    const error = await createImage(api, spec, claim, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toContain('InvalidImageName.Duplicate')
  })

  it('never adopts an image that had the name before the first send, however recent', async () => {
    const clock = fakeClock()
    const theirs = { ImageId: 'img-theirs00', ImageName: 'app', CreatedTime: iso(clock.now()) }
    const { ctx, claim } = setup({ preexisting: [theirs] })
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') return { TotalCount: 1, ImageSet: [theirs] }
      if (++creates === 1) throw lost
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    const error = await createImage(api, spec, claim, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toContain('InvalidImageName.Duplicate')
  })

  it('adopts on a duplicate after a lost answer, once the image of the lost request is listed', async () => {
    const { ctx, claim, clock } = setup()
    let lookups = 0
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        // Not listed yet when looked for before the resend; listed once the resend is refused.
        return lookups++ === 0
          ? { TotalCount: 0, ImageSet: [] }
          : {
              TotalCount: 1,
              ImageSet: [
                { ImageId: 'img-ours0000', ImageName: 'app', CreatedTime: iso(clock.now()) }
              ]
            }
      }
      if (++creates === 1) throw lost
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    await expect(createImage(api, spec, claim, ctx)).resolves.toEqual({
      kind: 'adopted',
      imageId: 'img-ours0000',
      requestId: 'r-dup'
    })
    expect(api.calls.map(c => c.action)).toEqual([
      'CreateImage',
      'DescribeImages',
      'CreateImage',
      'DescribeImages'
    ])
  })

  it('does not adopt on a duplicate after an error answer with a code: no answer was lost', async () => {
    const { ctx, claim, clock } = setup()
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        return {
          TotalCount: 1,
          ImageSet: [{ ImageId: 'img-other000', ImageName: 'app', CreatedTime: iso(clock.now()) }]
        }
      }
      if (++creates === 1) throw sdkError({ code: 'InternalError' })
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    const error = await createImage(api, spec, claim, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toContain('InvalidImageName.Duplicate')
    // A definite answer made nothing: the name is never even looked up.
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'CreateImage'])
  })

  it('pages through the fuzzy name matches', async () => {
    const { ctx, claim, clock } = setup()
    const api = fakeApi((action, params) => {
      if (action === 'CreateImage') throw lost
      const offset = params.Offset as number
      const ImageSet =
        offset === 0
          ? Array.from({ length: 100 }, (_, i) => ({ ImageId: `img-p${i}`, ImageName: `app-${i}` }))
          : [{ ImageId: 'img-found000', ImageName: 'app', CreatedTime: iso(clock.now()) }]
      return { TotalCount: 101, ImageSet }
    })
    const result = await createImage(api, spec, claim, ctx)
    expect(result).toMatchObject({ kind: 'adopted', imageId: 'img-found000' })
    expect(api.calls.filter(x => x.action === 'DescribeImages').map(x => x.params.Offset)).toEqual([
      0, 100
    ])
  })

  describe('provenance', () => {
    const run = (attempt: string): Tag[] => [
      { Key: 'github:repository', Value: 'octo-org/web' },
      { Key: 'github:run-id', Value: '4242' },
      { Key: 'github:run-attempt', Value: attempt }
    ]
    const tagged = { ...spec, tags: run('2') }

    it('never adopts an image of the same name that another run attempt made', async () => {
      const { ctx, claim, clock, events } = setup({ tags: tagged.tags })
      let creates = 0
      const api = recorded(events, action => {
        if (action === 'DescribeImages') {
          // Made a moment ago by attempt 1 of the same run: same name, new, not there before.
          return {
            TotalCount: 1,
            ImageSet: [
              {
                ImageId: 'img-attempt1',
                ImageName: 'app',
                CreatedTime: iso(clock.now()),
                Tags: run('1')
              }
            ]
          }
        }
        if (++creates === 1) throw lost
        throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
      })
      const error = await createImage(api, tagged, claim, ctx).catch(e => e)
      expect(error).toBeInstanceOf(ApiCallError)
      expect(error.message).toContain('InvalidImageName.Duplicate')
      // The holder is not ours by the claim, but it was not there before either: it could be
      // ours, listed before its tags are. The send stays unaccounted for, for the post step to
      // look again (it deletes only what passes the claim).
      expect(events).toEqual([
        'sending',
        'CreateImage',
        'DescribeImages',
        'sending',
        'CreateImage',
        'DescribeImages'
      ])
    })

    it('settles when the image that had the name before the first send still holds it', async () => {
      const { ctx, clock, events } = setup({ tags: tagged.tags })
      const holder = {
        ImageId: 'img-before01',
        ImageName: 'app',
        CreatedTime: iso(clock.now() - 60_000),
        Tags: run('1')
      }
      const claim = newClaim('app', clock.now(), [holder], tagged.tags)
      let creates = 0
      const api = recorded(events, action => {
        if (action === 'DescribeImages') return { TotalCount: 1, ImageSet: [holder] }
        if (++creates === 1) throw lost
        throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
      })
      const error = await createImage(api, tagged, claim, ctx).catch(e => e)
      expect(error).toBeInstanceOf(ApiCallError)
      // Names are unique and the old holder still has it: no send of this run made an image.
      expect(events.at(-1)).toBe('settled')
    })

    it('adopts an image that carries every tag of the claim', async () => {
      const { ctx, claim, clock } = setup({ tags: tagged.tags })
      const api = fakeApi(action => {
        if (action === 'CreateImage') throw lost
        return {
          TotalCount: 2,
          ImageSet: [
            {
              ImageId: 'img-attempt1',
              ImageName: 'app',
              CreatedTime: iso(clock.now()),
              Tags: run('1')
            },
            {
              ImageId: 'img-attempt2',
              ImageName: 'app',
              CreatedTime: iso(clock.now()),
              Tags: run('2')
            }
          ]
        }
      })
      await expect(createImage(api, tagged, claim, ctx)).resolves.toEqual({
        kind: 'adopted',
        imageId: 'img-attempt2',
        requestId: ''
      })
    })
  })
})

describe('createImage: the send watch', () => {
  it('is told of each send just before it leaves, with the claim', async () => {
    const { ctx, claim, events, sent } = setup()
    let creates = 0
    const api = recorded(events, action => {
      if (action === 'DescribeImages') return { TotalCount: 0, ImageSet: [] }
      if (++creates === 1) throw lost
      return { ImageId: 'img-77778888', RequestId: 'r-2' }
    })
    await createImage(api, spec, claim, ctx)
    expect(events).toEqual([
      'sending',
      'CreateImage',
      'DescribeImages',
      'sending',
      'CreateImage',
      'settled'
    ])
    expect(sent).toEqual([claim, claim])
    expect(sent[0]).toBe(claim)
  })

  it('is settled by a success', async () => {
    const { ctx, claim, events } = setup()
    const api = recorded(events, scripted({ ImageId: 'img-11112222', RequestId: 'r-1' }))
    await createImage(api, spec, claim, ctx)
    expect(events).toEqual(['sending', 'CreateImage', 'settled'])
  })

  it.each([
    ['refused', [sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })]],
    [
      'refused after a retried error answer',
      [sdkError({ code: 'InternalError' }), sdkError({ code: 'InvalidParameterValue' })]
    ]
  ])(
    'is settled by an error answer with a code when no answer was lost (%s)',
    async (_, answers) => {
      const { ctx, claim, events } = setup()
      const api = recorded(events, scripted(...answers))
      await expect(createImage(api, spec, claim, ctx)).rejects.toBeInstanceOf(ApiCallError)
      const once = ['sending', 'CreateImage', 'settled']
      expect(events).toEqual(answers.flatMap(() => once))
    }
  )

  it.each([
    ['an error answer with a code', sdkError({ code: 'InvalidParameterValue' })],
    [
      'a duplicate whose holder is not listed yet (it may be ours)',
      sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    ]
  ])('is not settled when an answer was lost and the step then fails on %s', async (_, refusal) => {
    const { ctx, claim, events } = setup()
    let creates = 0
    const api = recorded(events, action => {
      if (action === 'DescribeImages') return { TotalCount: 0, ImageSet: [] }
      if (++creates === 1) throw lost
      throw refusal
    })
    await expect(createImage(api, spec, claim, ctx)).rejects.toBeInstanceOf(ApiCallError)
    expect(events).not.toContain('settled')
    expect(events.filter(e => e === 'sending')).toHaveLength(2)
  })

  it('is not settled when every answer is lost until the retries run out', async () => {
    const { ctx, claim, events } = setup()
    const api = recorded(events, action => {
      if (action === 'DescribeImages') return { TotalCount: 0, ImageSet: [] }
      throw lost
    })
    await expect(createImage(api, spec, claim, ctx)).rejects.toBeInstanceOf(ApiCallError)
    const sends = events.filter(e => e === 'CreateImage').length
    expect(sends).toBeGreaterThan(1)
    expect(events.filter(e => e === 'sending')).toHaveLength(sends)
    expect(events).not.toContain('settled')
  })

  it('is never told of a dry run, which makes nothing', async () => {
    const dry = { ...spec, dryRun: true }
    for (const answer of [{ RequestId: 'r-2' }, sdkError({ code: 'DryRunOperation' })]) {
      const { ctx, claim, events } = setup()
      await createImage(recorded(events, scripted(answer)), dry, claim, ctx)
      expect(events).toEqual(['CreateImage'])
    }
  })

  it('is not settled by an adoption: an answer was lost, and the run settles when it takes the image', async () => {
    const { ctx, claim, clock, events } = setup()
    const api = recorded(events, action => {
      if (action === 'CreateImage') throw lost
      return {
        TotalCount: 1,
        ImageSet: [{ ImageId: 'img-5555aaaa', ImageName: 'app', CreatedTime: iso(clock.now()) }]
      }
    })
    await createImage(api, spec, claim, ctx)
    expect(events).toEqual(['sending', 'CreateImage', 'DescribeImages'])
  })
})

import { describe, expect, it } from '@jest/globals'
import { buildCreateImageRequest, createImage, createWindowStart } from '../../src/create.ts'
import { ApiCallError } from '../../src/errors.ts'
import type { ImageSpec } from '../../src/inputs.ts'
import { fakeApi, fakeClock, scripted, sdkError } from '../../__fixtures__/fakes.ts'

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

function ctx(preexisting: string[] = []) {
  const clock = fakeClock()
  return {
    clock,
    random: () => 0.5,
    deadline: clock.now() + 600_000,
    log: () => undefined,
    preexisting: new Set(preexisting),
    notBefore: createWindowStart(clock.now())
  }
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
    const api = fakeApi(scripted({ ImageId: 'img-11112222', RequestId: 'r-1' }))
    await expect(createImage(api, spec, ctx())).resolves.toEqual({
      kind: 'created',
      imageId: 'img-11112222',
      requestId: 'r-1'
    })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage'])
  })

  it('treats a plain success and DryRunOperation both as a passing dry run', async () => {
    const dry = { ...spec, dryRun: true }
    const plain = await createImage(fakeApi(scripted({ RequestId: 'r-2' })), dry, ctx())
    expect(plain).toEqual({ kind: 'dry-run', requestId: 'r-2' })
    const asError = await createImage(
      fakeApi(scripted(sdkError({ code: 'DryRunOperation', requestId: 'r-3' }))),
      dry,
      ctx()
    )
    expect(asError).toEqual({ kind: 'dry-run', requestId: 'r-3' })
  })

  it('does not treat DryRunOperation as success outside a dry run', async () => {
    const api = fakeApi(scripted(sdkError({ code: 'DryRunOperation' })))
    await expect(createImage(api, spec, ctx())).rejects.toBeInstanceOf(ApiCallError)
  })

  it('retries a throttled CreateImage without looking the name up', async () => {
    const api = fakeApi(
      scripted(sdkError({ code: 'RequestLimitExceeded' }), {
        ImageId: 'img-33334444',
        RequestId: 'r'
      })
    )
    const result = await createImage(api, spec, ctx())
    expect(result.kind).toBe('created')
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'CreateImage'])
  })

  it('adopts the image a lost CreateImage made instead of making a second one', async () => {
    const c = ctx()
    const api = fakeApi((action, params) => {
      if (action === 'CreateImage') throw lost
      expect(params.Filters).toEqual([
        { Name: 'image-name', Values: ['app'] },
        { Name: 'image-type', Values: ['PRIVATE_IMAGE'] }
      ])
      return {
        TotalCount: 2,
        ImageSet: [
          { ImageId: 'img-near0000', ImageName: 'app-2', CreatedTime: iso(c.clock.now()) },
          { ImageId: 'img-5555aaaa', ImageName: 'app', CreatedTime: iso(c.clock.now()) }
        ]
      }
    })
    const result = await createImage(api, spec, c)
    expect(result).toEqual({ kind: 'adopted', imageId: 'img-5555aaaa', requestId: '' })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'DescribeImages'])
  })

  it('sends again when the lost CreateImage made nothing', async () => {
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') return { TotalCount: 0, ImageSet: [] }
      if (++creates === 1) throw sdkError({ httpCode: 502 })
      return { ImageId: 'img-66667777', RequestId: 'r-2' }
    })
    const result = await createImage(api, spec, ctx())
    expect(result).toEqual({ kind: 'created', imageId: 'img-66667777', requestId: 'r-2' })
    expect(api.calls.map(c => c.action)).toEqual(['CreateImage', 'DescribeImages', 'CreateImage'])
  })

  it('does not adopt an older image of the same name', async () => {
    const c = ctx()
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        return {
          TotalCount: 1,
          ImageSet: [
            {
              ImageId: 'img-old00000',
              ImageName: 'app',
              CreatedTime: iso(c.clock.now() - 86_400_000)
            }
          ]
        }
      }
      if (++creates === 1) throw lost
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    const error = await createImage(api, spec, c).catch(e => e)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toContain('InvalidImageName.Duplicate')
  })

  it('never adopts an image that had the name before the first send, however recent', async () => {
    const c = ctx(['img-theirs00'])
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        return {
          TotalCount: 1,
          ImageSet: [{ ImageId: 'img-theirs00', ImageName: 'app', CreatedTime: iso(c.clock.now()) }]
        }
      }
      if (++creates === 1) throw lost
      throw sdkError({ code: 'InvalidImageName.Duplicate', requestId: 'r-dup' })
    })
    const error = await createImage(api, spec, c).catch(e => e)
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toContain('InvalidImageName.Duplicate')
  })

  it('adopts on a duplicate after any failed attempt, not only a lost answer', async () => {
    const c = ctx()
    let creates = 0
    const api = fakeApi(action => {
      if (action === 'DescribeImages') {
        return {
          TotalCount: 1,
          ImageSet: [{ ImageId: 'img-ours0000', ImageName: 'app', CreatedTime: iso(c.clock.now()) }]
        }
      }
      if (++creates === 1) throw sdkError({ code: 'InternalError' })
      throw sdkError({ code: 'InvalidImageName.Duplicate' })
    })
    await expect(createImage(api, spec, c)).resolves.toMatchObject({
      kind: 'adopted',
      imageId: 'img-ours0000'
    })
  })

  it('pages through the fuzzy name matches', async () => {
    const c = ctx()
    const api = fakeApi((action, params) => {
      if (action === 'CreateImage') throw lost
      const offset = params.Offset as number
      const ImageSet =
        offset === 0
          ? Array.from({ length: 100 }, (_, i) => ({ ImageId: `img-p${i}`, ImageName: `app-${i}` }))
          : [{ ImageId: 'img-found000', ImageName: 'app', CreatedTime: iso(c.clock.now()) }]
      return { TotalCount: 101, ImageSet }
    })
    const result = await createImage(api, spec, c)
    expect(result).toMatchObject({ kind: 'adopted', imageId: 'img-found000' })
    expect(api.calls.filter(x => x.action === 'DescribeImages').map(x => x.params.Offset)).toEqual([
      0, 100
    ])
  })
})

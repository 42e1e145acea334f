import { describe, expect, it } from '@jest/globals'
import { parseInputs, type RawInputs } from '../../src/main/inputs.ts'
import { InputError } from '../../src/runner/inputs.ts'

const base: RawInputs = {
  region: 'ap-guangzhou',
  'secret-id': 'AKIDexampleexampleexampleexample1234',
  'secret-key': 'keyexampleexampleexampleexample1',
  'image-name': 'app-1.2.3',
  'instance-id': 'ins-abcd1234'
}

const parse = (overrides: RawInputs) => parseInputs({ ...base, ...overrides }, {})

function inputErrorOf(overrides: RawInputs): InputError {
  try {
    parse(overrides)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('copy-to-regions and share-with-accounts', () => {
  it('are empty by default', () => {
    expect(parse({}).publish).toEqual({
      regions: [],
      accountIds: [],
      endpoints: { 'ap-guangzhou': { host: 'cvm.tencentcloudapi.com', protocol: 'https://' } },
      tagEndpoint: { host: 'tag.tencentcloudapi.com', protocol: 'https://' }
    })
  })

  it("send the copies' tags to tag-endpoint, in the forms of endpoint", () => {
    expect(parse({ 'tag-endpoint': 'http://127.0.0.1:9000' }).publish.tagEndpoint).toEqual({
      host: '127.0.0.1:9000',
      protocol: 'http://'
    })
    expect(parse({ region: 'ap-shanghai-fsi' }).publish.tagEndpoint.host).toBe(
      'tag.ap-shanghai-fsi.tencentcloudapi.com'
    )
    expect(() => parse({ 'tag-endpoint': 'tag.example.com/v1' })).toThrow(
      /Input 'tag-endpoint': 'tag.example.com\/v1' is not a host/
    )
  })

  it('take comma- and newline-separated lists, in order', () => {
    const { publish } = parse({
      'copy-to-regions': 'ap-shanghai,\n ap-singapore , na-siliconvalley\n',
      'share-with-accounts': '100000000002\n100000000003'
    })
    expect(publish.regions).toEqual(['ap-shanghai', 'ap-singapore', 'na-siliconvalley'])
    expect(publish.accountIds).toEqual(['100000000002', '100000000003'])
  })

  it('give each region its default endpoint, and finance regions their own domain', () => {
    const { publish } = parse({ 'copy-to-regions': 'ap-shanghai, ap-shanghai-fsi' })
    expect(publish.endpoints['ap-shanghai']!.host).toBe('cvm.tencentcloudapi.com')
    expect(publish.endpoints['ap-shanghai-fsi']!.host).toBe(
      'cvm.ap-shanghai-fsi.tencentcloudapi.com'
    )
  })

  it('send every region through an endpoint that was given', () => {
    const { publish } = parse({
      endpoint: 'http://127.0.0.1:9000',
      'copy-to-regions': 'ap-shanghai, ap-shanghai-fsi'
    })
    for (const region of ['ap-guangzhou', 'ap-shanghai', 'ap-shanghai-fsi']) {
      expect(publish.endpoints[region]).toEqual({ host: '127.0.0.1:9000', protocol: 'http://' })
    }
  })

  it('refuse the shared endpoint for a finance destination', () => {
    const e = inputErrorOf({
      endpoint: 'cvm.tencentcloudapi.com',
      'copy-to-regions': 'ap-shanghai-fsi'
    })
    expect(e.input).toBe('endpoint')
    expect(e.message).toContain('cvm.ap-shanghai-fsi.tencentcloudapi.com')
  })

  it.each<[string, RawInputs, string, RegExp]>([
    [
      'a malformed region',
      { 'copy-to-regions': 'ap_shanghai' },
      'copy-to-regions',
      /not a region name/
    ],
    [
      'an upper-case region',
      { 'copy-to-regions': 'AP-SHANGHAI' },
      'copy-to-regions',
      /not a region name/
    ],
    ['a duplicate', { 'copy-to-regions': 'ap-beijing, ap-beijing' }, 'copy-to-regions', /twice/],
    [
      'the own region',
      { 'copy-to-regions': 'ap-guangzhou' },
      'copy-to-regions',
      /the region the image is made in/
    ],
    [
      'a name, not an id',
      { 'share-with-accounts': 'ops-team' },
      'share-with-accounts',
      /not an account id.*UIN/
    ],
    [
      'a leading zero',
      { 'share-with-accounts': '0100000002' },
      'share-with-accounts',
      /not an account id/
    ],
    ['too short', { 'share-with-accounts': '1234' }, 'share-with-accounts', /not an account id/],
    [
      'more accounts than an image can be shared with',
      {
        'share-with-accounts': Array.from({ length: 501 }, (_, i) => String(100000000100 + i)).join(
          ','
        )
      },
      'share-with-accounts',
      /lists 501 accounts; an image can be shared with at most 500/
    ],
    [
      'a duplicate account',
      { 'share-with-accounts': '100000000002,100000000002' },
      'share-with-accounts',
      /twice/
    ],
    [
      'copying with wait false',
      { 'copy-to-regions': 'ap-beijing', wait: 'false' },
      'copy-to-regions',
      /needs wait: true/
    ],
    [
      'sharing with wait false',
      { 'share-with-accounts': '100000000002', wait: 'false' },
      'share-with-accounts',
      /needs wait: true/
    ]
  ])('refuse %s', (_, overrides, input, message) => {
    const e = inputErrorOf(overrides)
    expect(e.input).toBe(input)
    expect(e.message).toMatch(message)
  })

  it('are allowed in a dry run without waiting (nothing is copied then)', () => {
    const config = parse({ 'dry-run': 'true', wait: 'false', 'copy-to-regions': 'ap-beijing' })
    expect(config.publish.regions).toEqual(['ap-beijing'])
  })
})

import { describe, expect, it } from '@jest/globals'
import { parseInputs, parseTags, type RawInputs } from '../../src/inputs.ts'
import { InputError } from '../../src/parse.ts'

const base: RawInputs = {
  region: 'ap-guangzhou',
  'secret-id': 'AKIDexampleexampleexampleexample1234',
  'secret-key': 'keyexampleexampleexampleexample1',
  'image-name': 'app-1.2.3',
  'instance-id': 'ins-abcd1234'
}

function parse(overrides: RawInputs, env: Record<string, string> = {}) {
  return parseInputs({ ...base, ...overrides }, env)
}

function inputErrorOf(overrides: RawInputs, env: Record<string, string> = {}): InputError {
  try {
    parse(overrides, env)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('parseInputs', () => {
  it('builds the config with defaults', () => {
    const config = parse({})
    expect(config.region).toBe('ap-guangzhou')
    expect(config.endpoint).toEqual({ host: 'cvm.tencentcloudapi.com', protocol: 'https://' })
    expect(config.image).toEqual({
      name: 'app-1.2.3',
      instanceId: 'ins-abcd1234',
      snapshotIds: [],
      dataDiskIds: [],
      forcePoweroff: false,
      sysprep: false,
      dryRun: false,
      tags: []
    })
    expect(config.wait).toBe(true)
    expect(config.waitTimeoutMs).toBe(3_600_000)
    expect(config.pollIntervalMs).toBe(8_000)
    expect(config.credentials.source).toBe('inputs')
  })

  it('uses the finance-region endpoint by default', () => {
    expect(parse({ region: 'ap-shanghai-fsi' }).endpoint.host).toBe(
      'cvm.ap-shanghai-fsi.tencentcloudapi.com'
    )
  })

  it('refuses the shared endpoint for a finance region', () => {
    const e = inputErrorOf({ region: 'ap-shenzhen-fsi', endpoint: 'cvm.tencentcloudapi.com' })
    expect(e.input).toBe('endpoint')
    expect(e.message).toContain('cvm.ap-shenzhen-fsi.tencentcloudapi.com')
  })

  it.each([
    ['http://127.0.0.1:9000', { host: '127.0.0.1:9000', protocol: 'http://' }],
    [
      'https://cvm.ap-shanghai-fsi.tencentcloudapi.com/',
      { host: 'cvm.ap-shanghai-fsi.tencentcloudapi.com', protocol: 'https://' }
    ],
    [
      'cvm.intl.tencentcloudapi.com',
      { host: 'cvm.intl.tencentcloudapi.com', protocol: 'https://' }
    ],
    ['localhost:8080', { host: 'localhost:8080', protocol: 'https://' }]
  ])('parses endpoint %s', (endpoint, expected) => {
    expect(parse({ endpoint }).endpoint).toEqual(expected)
  })

  it.each(['ftp://x.com', 'http://host/path', 'not a host', 'https://'])(
    'refuses endpoint %s',
    endpoint => {
      expect(inputErrorOf({ endpoint }).input).toBe('endpoint')
    }
  )

  it('parses lists, booleans, tags and numbers', () => {
    const config = parse({
      'instance-id': 'ins-abcd1234',
      'data-disk-ids': 'disk-aaaa1111, disk-bbbb2222\n',
      'image-description': 'nightly',
      'force-poweroff': 'true',
      sysprep: 'False',
      'dry-run': 'TRUE',
      tags: 'team=infra\nrelease=v1.2=rc, empty=',
      'image-family': 'app-daily',
      wait: 'false',
      'wait-timeout-seconds': '120',
      'poll-interval-seconds': '0.2'
    })
    expect(config.image).toMatchObject({
      dataDiskIds: ['disk-aaaa1111', 'disk-bbbb2222'],
      description: 'nightly',
      forcePoweroff: true,
      sysprep: false,
      dryRun: true,
      family: 'app-daily',
      tags: [
        { Key: 'team', Value: 'infra' },
        { Key: 'release', Value: 'v1.2=rc' },
        { Key: 'empty', Value: '' }
      ]
    })
    expect(config.wait).toBe(false)
    expect(config.waitTimeoutMs).toBe(120_000)
    expect(config.pollIntervalMs).toBe(200)
  })

  it('takes snapshots instead of an instance', () => {
    const config = parse({ 'instance-id': '', 'snapshot-ids': 'snap-aaaa1111,snap-bbbb2222' })
    expect(config.image.instanceId).toBeUndefined()
    expect(config.image.snapshotIds).toEqual(['snap-aaaa1111', 'snap-bbbb2222'])
  })

  it.each<[string, RawInputs, string, RegExp]>([
    ['no region', { region: '' }, 'region', /required/],
    ['a bad region', { region: 'Guangzhou' }, 'region', /not a region/],
    ['no image name', { 'image-name': '' }, 'image-name', /required/],
    [
      'a 61-character name',
      { 'image-name': 'x'.repeat(61) },
      'image-name',
      /at most 60 characters, got 61/
    ],
    [
      'neither source',
      { 'instance-id': '' },
      'instance-id',
      /exactly one of instance-id or snapshot-ids/
    ],
    ['both sources', { 'snapshot-ids': 'snap-aaaa1111' }, 'snapshot-ids', /not both/],
    ['a bad instance id', { 'instance-id': 'i-123' }, 'instance-id', /ins-' followed by 8/],
    ['a bad snapshot id', { 'instance-id': '', 'snapshot-ids': 'snap-1' }, 'snapshot-ids', /snap-/],
    ['a bad disk id', { 'data-disk-ids': 'vol-aaaa1111' }, 'data-disk-ids', /disk-/],
    [
      'data disks without an instance',
      { 'instance-id': '', 'snapshot-ids': 'snap-aaaa1111', 'data-disk-ids': 'disk-aaaa1111' },
      'data-disk-ids',
      /only goes with instance-id/
    ],
    [
      'a duplicate snapshot',
      { 'instance-id': '', 'snapshot-ids': 'snap-aaaa1111,snap-aaaa1111' },
      'snapshot-ids',
      /twice/
    ],
    [
      'a long description',
      { 'image-description': 'd'.repeat(257) },
      'image-description',
      /at most 256/
    ],
    ['a bad boolean', { 'force-poweroff': 'yes' }, 'force-poweroff', /'true' or 'false'/],
    ['a bad dry-run', { 'dry-run': '1' }, 'dry-run', /'true' or 'false'/],
    ['a bad wait', { wait: 'no' }, 'wait', /'true' or 'false'/],
    ['a negative timeout', { 'wait-timeout-seconds': '-5' }, 'wait-timeout-seconds', /number/],
    [
      'a zero timeout',
      { 'wait-timeout-seconds': '0' },
      'wait-timeout-seconds',
      /between 1 and 21600/
    ],
    ['a huge timeout', { 'wait-timeout-seconds': '99999' }, 'wait-timeout-seconds', /between/],
    ['a text interval', { 'poll-interval-seconds': 'fast' }, 'poll-interval-seconds', /number/],
    [
      'a tiny interval',
      { 'poll-interval-seconds': '0.01' },
      'poll-interval-seconds',
      /between 0.1 and 300/
    ],
    ['a tag without =', { tags: 'team' }, 'tags', /key=value/],
    ['a tag with an empty key', { tags: '=x' }, 'tags', /key=value/],
    ['a duplicate tag key', { tags: 'a=1,a=2' }, 'tags', /twice/],
    ['a reserved tag key', { tags: 'qcloud:x=1' }, 'tags', /reserves/],
    ['a tag with bad characters', { tags: 'a=<b>' }, 'tags', /letters, digits/],
    ['a family with spaces', { 'image-family': 'my family' }, 'image-family', /spaces/]
  ])('refuses %s, naming the input', (_, overrides, input, rule) => {
    const e = inputErrorOf(overrides)
    expect(e.input).toBe(input)
    expect(e.message).toContain(`'${input}'`)
    expect(e.message).toMatch(rule)
  })

  it('refuses more than 50 tags', () => {
    const tags = Array.from({ length: 51 }, (_, i) => `k${i}=v`).join(',')
    expect(() => parseTags('tags', tags)).toThrow(/at most 50 tags/)
  })

  describe('credentials', () => {
    const noKeys = { 'secret-id': '', 'secret-key': '' }

    it('falls back to the environment', () => {
      const config = parse(noKeys, {
        TENCENTCLOUD_SECRET_ID: 'AKIDenv',
        TENCENTCLOUD_SECRET_KEY: 'envkey',
        TENCENTCLOUD_SESSION_TOKEN: 'envtoken'
      })
      expect(config.credentials).toEqual({
        secretId: 'AKIDenv',
        secretKey: 'envkey',
        token: 'envtoken',
        source: 'environment'
      })
    })

    it('does not pair input keys with an environment token', () => {
      const config = parse({}, { TENCENTCLOUD_SESSION_TOKEN: 'envtoken' })
      expect(config.credentials).not.toHaveProperty('token')
    })

    it('says which inputs or variables to set when there are none', () => {
      const e = inputErrorOf(noKeys)
      expect(e.message).toMatch(/secret-id and secret-key inputs/)
      expect(e.message).toMatch(/TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/)
    })

    it('names the missing half', () => {
      expect(inputErrorOf({ 'secret-key': '' }).input).toBe('secret-key')
      expect(inputErrorOf({ 'secret-id': '' }).input).toBe('secret-id')
    })

    it('never puts a credential in a message', () => {
      const e = inputErrorOf({ 'secret-key': 'has space' })
      expect(e.message).not.toContain('has space')
    })
  })
})

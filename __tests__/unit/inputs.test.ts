import { describe, expect, it } from '@jest/globals'
import { parseTags } from '../../src/image/tags.ts'
import { parseInputs, type InputName, type RawInputs } from '../../src/main/inputs.ts'
import { parseCleanupInputs, type CleanupInputName } from '../../src/cleanup/inputs.ts'
import { InputError, refuseControlCharacters } from '../../src/runner/inputs.ts'

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
      tags: 'team=infra\nrelease=v1.2=rc',
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
        { Key: 'release', Value: 'v1.2=rc' }
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
    ['a tag with an empty value', { tags: 'env=' }, 'tags', /tag 'env' has no value/],
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

/** The InputError `fn` throws. */
function refusal(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('refuseControlCharacters', () => {
  const lists = ['tags', 'snapshot-ids']

  it('refuses a line break in a text input, naming the input and not quoting the value', () => {
    const e = refusal(() =>
      refuseControlCharacters({ 'image-name': 'app\n::set-output name=x::evil' }, lists)
    )
    expect(e.input).toBe('image-name')
    expect(e.message).toMatch(/^Input 'image-name': contains a line break at position 4\./)
    expect(e.message).not.toContain('app')
    expect(e.message).not.toContain('set-output')
    expect(e.message).not.toContain('evil')
  })

  it.each([
    ['\r', 'app\rx'],
    ['\r\n', 'app\r\nx']
  ])('refuses %j as a line break too', (_, value) => {
    expect(
      refusal(() => refuseControlCharacters({ 'image-name': value }, lists)).message
    ).toContain('contains a line break at position 4')
  })

  it('allows line breaks around a text input, which is trimmed before use', () => {
    expect(() => refuseControlCharacters({ 'image-name': '\napp\r\n' }, lists)).not.toThrow()
  })

  it('allows line breaks (and tabs) between the items of a list input', () => {
    expect(() =>
      refuseControlCharacters(
        { tags: 'team=infra\nrelease=v1\r\nci=pr\rx=y\n', 'snapshot-ids': 'snap-a\tsnap-b' },
        lists
      )
    ).not.toThrow()
  })

  it.each<[string, string, string]>([
    ['ESC', '\x1b', 'U+001B'],
    ['NUL', '\x00', 'U+0000'],
    ['BEL', '\x07', 'U+0007'],
    ['DEL', '\x7f', 'U+007F'],
    ['NEL (C1)', '\u0085', 'U+0085'],
    ['CSI (C1)', '\u009b', 'U+009B']
  ])('refuses %s in text and list inputs alike', (_, char, code) => {
    for (const [name, value] of [
      ['image-name', `app${char}x`],
      ['tags', `team=infra\napp${char}x=y`]
    ] as const) {
      const e = refusal(() => refuseControlCharacters({ [name]: value }, lists))
      expect(e.input).toBe(name)
      expect(e.message).toContain(`contains the control character ${code}`)
      expect(e.message).not.toContain('app')
    }
  })

  it('says a list may put each item on a line of its own', () => {
    const e = refusal(() => refuseControlCharacters({ tags: 'a=1\x1b' }, lists))
    expect(e.message).toContain('this list may put each item on a line of its own')
    const text = refusal(() => refuseControlCharacters({ 'image-name': 'a\x1b' }, lists))
    expect(text.message).not.toContain('this list')
  })

  it('never quotes a credential', () => {
    const e = refusal(() =>
      refuseControlCharacters({ 'secret-key': 'keyexample\nexampleexample1' }, lists)
    )
    expect(e.input).toBe('secret-key')
    expect(e.message).not.toContain('keyexample')
    expect(e.message).not.toContain('exampleexample1')
  })

  it('passes printable text, Chinese included, and skips empty or missing inputs', () => {
    expect(() =>
      refuseControlCharacters(
        { 'image-name': '应用-镜像 1.2', 'image-description': '', tags: undefined },
        lists
      )
    ).not.toThrow()
  })
})

describe("control characters in the actions' inputs", () => {
  it('parseInputs refuses a line break in image-name before anything else is read', () => {
    // region is empty too: the line break is found first.
    const e = inputErrorOf({ region: '', 'image-name': 'app\n::add-mask::x' })
    expect(e.input).toBe('image-name')
    expect(e.message).toContain('line break')
    expect(e.message).not.toContain('add-mask')
  })

  it.each<[InputName, string]>([
    ['image-description', 'nightly\nbuild'],
    ['image-family', 'app\u0085daily'],
    ['secret-key', 'keyexample\rexampleexample1'],
    ['tags', 'team=infra\n\x1bx=y'],
    ['copy-to-regions', 'ap-shanghai\n\u0085ap-beijing']
  ])('parseInputs refuses a control character in %s', (input, value) => {
    const e = inputErrorOf({ [input]: value })
    expect(e.input).toBe(input)
    expect(e.message).toMatch(/contains (a line break|the control character U\+00(1B|85))/)
  })

  it('parseInputs takes list inputs one item a line', () => {
    const config = parse({
      'instance-id': '',
      'snapshot-ids': 'snap-aaaa1111\r\nsnap-bbbb2222',
      tags: 'team=infra\nci=pr'
    })
    expect(config.image.snapshotIds).toEqual(['snap-aaaa1111', 'snap-bbbb2222'])
    expect(config.image.tags).toEqual([
      { Key: 'team', Value: 'infra' },
      { Key: 'ci', Value: 'pr' }
    ])
  })

  const cleanup = (raw: Record<string, string>) =>
    parseCleanupInputs(
      {
        region: 'ap-guangzhou',
        'secret-id': base['secret-id'],
        'secret-key': base['secret-key'],
        ...raw
      },
      {}
    )

  it('parseCleanupInputs refuses a line break in image-name, naming it', () => {
    const e = refusal(() => cleanup({ 'image-name': 'app\n::add-mask::x' }))
    expect(e.input).toBe('image-name')
    expect(e.message).toContain('line break')
    expect(e.message).not.toContain('add-mask')
  })

  it.each<[CleanupInputName, string]>([
    ['name-prefix', 'pr-\x1b'],
    ['tags', 'ci=pr\n\u0085x=y'],
    ['image-ids', 'img-aaaa1111\n\x1bimg-bbbb2222'],
    ['older-than', '7d\n12h']
  ])('parseCleanupInputs refuses a control character in %s', (input, value) => {
    const e = refusal(() => cleanup({ 'image-name': 'app', [input]: value }))
    expect(e.input).toBe(input)
    expect(e.message).toMatch(/contains (a line break|the control character U\+00(1B|85))/)
  })

  it('parseCleanupInputs takes image-ids and tags one item a line', () => {
    expect(cleanup({ 'image-ids': 'img-aaaa1111\nimg-bbbb2222' }).selector).toEqual({
      by: 'ids',
      imageIds: ['img-aaaa1111', 'img-bbbb2222']
    })
    expect(cleanup({ tags: 'ci=pr\r\nteam=infra' }).selector).toEqual({
      by: 'filters',
      tags: [
        { Key: 'ci', Value: 'pr' },
        { Key: 'team', Value: 'infra' }
      ]
    })
  })
})

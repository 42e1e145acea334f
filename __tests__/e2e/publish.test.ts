// copy-to-regions and share-with-accounts, through dist/index.js against the emulator.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator, EmulatorOptions } from '../../emulator/index.ts'
import type { ActionRun } from '../../harness/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  baseInputs,
  calls,
  copyEndpoints,
  emulator,
  errorAnnotations,
  expectNoSecrets,
  runImageAction
} from './support.ts'

const [accountA, accountB] = SEED.otherAccountIds as [string, string]
let emu: Emulator

afterEach(async () => {
  await emu?.close()
})

async function publishEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return emulator({ syncMs: 700, ...options })
}

function images(run: ActionRun): Record<string, string> {
  return JSON.parse(run.outputs.images ?? 'null') as Record<string, string>
}

/** Copies in the emulator named like the run's image, by region. */
function copiesNamed(name: string): Record<string, string[]> {
  const byRegion: Record<string, string[]> = {}
  for (const region of SEED.regions) {
    const ids = emu.state
      .images(region)
      .filter(image => image.ImageName === name)
      .map(image => image.ImageId)
    if (ids.length) byRegion[region] = ids
  }
  return byRegion
}

describe('copy and share', () => {
  it('polls a copy that holds at 99% at least every 5 s until it is NORMAL', async () => {
    // SyncPercent rises to 99 in 7 s, then holds there for 13 s: the rate no longer tells when.
    // (A copy this short is polled at the 3 s floor anyway; the 5 s matters where one point takes
    // longer, as in a 30-minute copy: see the unit tests and BENCHMARKS.md, section 5.)
    emu = await publishEmulator({ syncMs: 20_000, syncPlateauMs: 13_000 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai'
    })
    expect(run.exitCode).toBe(0)
    const copy = images(run)['ap-shanghai']!
    const polls = calls(emu, 'DescribeImages').filter(
      c => c.region === 'ap-shanghai' && (c.params.ImageIds as string[] | undefined)?.[0] === copy
    )
    const held = calls(emu, 'SyncImages')[0]!.time + 7_000
    const times = polls.map(c => c.time)
    const gaps = times
      .slice(1)
      .map((at, i) => ({ at, gap: at - times[i]! }))
      .filter(({ at }) => at > held)
      .map(({ gap }) => gap)
    expect(gaps.length).toBeGreaterThanOrEqual(3)
    // 5 s, and the time one request of the step takes on a busy machine.
    for (const gap of gaps) expect(gap).toBeLessThan(5_500)
  }, 60_000)

  it('copies with one SyncImages, waits in every region, then shares the image and each copy', async () => {
    emu = await publishEmulator()
    const run = await runImageAction(
      {
        ...baseInputs(emu),
        ...copyEndpoints(emu),
        'copy-to-regions': 'ap-shanghai, ap-beijing\nap-singapore',
        'share-with-accounts': `${accountA}, ${accountB}`
      },
      // Progress lines, which carry each copy's SyncPercent, every 0.2 s instead of a minute.
      { env: { CVM_IMAGE_PROGRESS_SECONDS: '0.2' } }
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    const sourceId = run.outputs['image-id']!
    const out = images(run)
    expect(Object.keys(out)).toEqual(['ap-guangzhou', 'ap-shanghai', 'ap-beijing', 'ap-singapore'])
    expect(out['ap-guangzhou']).toBe(sourceId)
    expect(run.outputs['image-state']).toBe('NORMAL')

    const syncs = calls(emu, 'SyncImages')
    expect(syncs).toHaveLength(1)
    expect(syncs[0]!.region).toBe(SEED.region)
    expect(syncs[0]!.params).toEqual({
      ImageIds: [sourceId],
      DestinationRegions: ['ap-shanghai', 'ap-beijing', 'ap-singapore'],
      ImageSetRequired: true
    })
    // SyncImages only once the source was NORMAL: after the poll that saw it so. Polled again
    // after it, until SyncImages no longer holds it, and before anything is shared.
    const sourcePolls = calls(emu, 'DescribeImages').filter(c => c.region === SEED.region)
    const firstShare = calls(emu, 'ModifyImageSharePermission')[0]!
    expect(sourcePolls.filter(c => c.seq < syncs[0]!.seq).length).toBeGreaterThan(0)
    const again = sourcePolls.filter(c => c.seq > syncs[0]!.seq)
    expect(again.length).toBeGreaterThan(0)
    expect(again.every(c => c.seq < firstShare.seq && c.params.ImageIds)).toBe(true)

    for (const region of ['ap-shanghai', 'ap-beijing', 'ap-singapore']) {
      const copy = emu.state.getImage(out[region]!)!
      expect(copy.region).toBe(region)
      expect(copy.ImageName).toBe('app-1.0.0')
      expect(copy.ImageState).toBe('NORMAL')
      expect([...copy.sharedWith.keys()].sort()).toEqual([accountA, accountB])
      // Each copy is looked for by name first (what an earlier run left there), then polled by a
      // client for its own region.
      const [lookup, ...polls] = calls(emu, 'DescribeImages').filter(c => c.region === region)
      expect(lookup!.params.Filters).toContainEqual({ Name: 'image-name', Values: ['app-1.0.0'] })
      expect(polls.length).toBeGreaterThanOrEqual(1)
      expect(polls.every(c => JSON.stringify(c.params) === `{"ImageIds":["${out[region]}"]}`)).toBe(
        true
      )
    }
    expect([...emu.state.getImage(sourceId)!.sharedWith.keys()].sort()).toEqual([
      accountA,
      accountB
    ])
    // Nothing else was copied anywhere.
    expect(copiesNamed('app-1.0.0')).toEqual(
      Object.fromEntries(Object.entries(out).map(([region, id]) => [region, [id]]))
    )

    // Sharing starts once every copy is NORMAL, with the source first; one call per image.
    const shares = calls(emu, 'ModifyImageSharePermission')
    expect(shares).toHaveLength(4)
    const lastPoll = calls(emu, 'DescribeImages').at(-1)!
    expect(shares.every(c => c.seq > lastPoll.seq)).toBe(true)
    expect(shares[0]!.params).toEqual({
      ImageId: sourceId,
      AccountIds: [accountA, accountB],
      Permission: 'SHARE'
    })
    for (const share of shares) {
      expect(share.params.ImageId).toBe(out[share.region])
    }

    expect(run.stdout).toMatch(/^Copies after .*: ap-shanghai SYNCING \d+%, /m)
    expect(run.stdout).toMatch(/ap-singapore: img-\w+ is NORMAL after/)
    expect(run.summary).toContain('<h4>Regions</h4>')
    for (const region of ['ap-shanghai', 'ap-beijing', 'ap-singapore']) {
      expect(run.summary).toMatch(
        new RegExp(
          `<td>${region}</td><td>${out[region]}</td><td>NORMAL</td><td>[\\d.]+s</td><td>5 tags</td><td>${accountA}, ${accountB}</td>`
        )
      )
    }
    expect(run.summary).toContain(`<td>ap-guangzhou (source)</td><td>${sourceId}</td>`)
    expectNoSecrets(run, [TEST_CREDENTIALS.secretId, TEST_CREDENTIALS.secretKey])
  })

  it('sets images to the source alone when nothing is copied, and shares only the source', async () => {
    emu = await publishEmulator()
    const run = await runImageAction({ ...baseInputs(emu), 'share-with-accounts': accountA })
    expect(run.exitCode).toBe(0)
    const sourceId = run.outputs['image-id']!
    expect(images(run)).toEqual({ [SEED.region]: sourceId })
    expect(calls(emu, 'SyncImages')).toHaveLength(0)
    expect(calls(emu, 'ModifyImageSharePermission').map(c => c.params.ImageId)).toEqual([sourceId])
    expect([...emu.state.getImage(sourceId)!.sharedWith.keys()]).toEqual([accountA])
  })

  it('sets images even without copy or share inputs, and with wait false', async () => {
    emu = await publishEmulator()
    const plain = await runImageAction(baseInputs(emu))
    expect(images(plain)).toEqual({ [SEED.region]: plain.outputs['image-id'] })
    expect(plain.summary).not.toContain('Regions')
    const noWait = await runImageAction({ ...baseInputs(emu, 'app-nowait'), wait: 'false' })
    expect(noWait.exitCode).toBe(0)
    expect(images(noWait)).toEqual({ [SEED.region]: noWait.outputs['image-id'] })
  })

  it('a dry run checks the inputs but neither copies nor shares; images is {}', async () => {
    emu = await publishEmulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      'dry-run': 'true',
      'copy-to-regions': 'ap-shanghai',
      'share-with-accounts': accountA
    })
    expect(run.exitCode).toBe(0)
    expect(calls(emu).map(c => c.action)).toEqual(['CreateImage'])
    expect(images(run)).toEqual({})
    expect(run.stdout).toContain('copy-to-regions and share-with-accounts were checked, not tried')
  })
})

describe('bad copy and share inputs fail before any API call', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a malformed region',
      { 'copy-to-regions': 'ap-shanghai, Shanghai' },
      /Input 'copy-to-regions': 'Shanghai' is not a region name/
    ],
    [
      'a region twice',
      { 'copy-to-regions': 'ap-shanghai,ap-shanghai' },
      /Input 'copy-to-regions': lists 'ap-shanghai' twice/
    ],
    [
      'the source region',
      { 'copy-to-regions': SEED.region },
      /Input 'copy-to-regions': lists ap-guangzhou, the region the image is made in/
    ],
    [
      'a malformed account id',
      { 'share-with-accounts': `${accountA}, alice@example.com` },
      /Input 'share-with-accounts': 'alice@example.com' is not an account id/
    ],
    [
      'copying without waiting',
      { 'copy-to-regions': 'ap-shanghai', wait: 'false' },
      /Input 'copy-to-regions': needs wait: true/
    ],
    [
      'sharing without waiting',
      { 'share-with-accounts': accountA, wait: 'false' },
      /Input 'share-with-accounts': needs wait: true/
    ]
  ])('%s', async (_, overrides, message) => {
    emu = await publishEmulator()
    const run = await runImageAction({ ...baseInputs(emu), ...overrides })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation?.title).toBe('Invalid input')
    expect(annotation?.message).toMatch(message)
    expect(emu.calls).toHaveLength(0)
  })
})

describe('a failing region', () => {
  it('a copy that ends in CREATEFAILED: names the region, keeps the others, shares nothing', async () => {
    emu = await publishEmulator({ failSyncRegions: ['ap-beijing'] })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai, ap-beijing',
      'share-with-accounts': accountA
    })
    expect(run.exitCode).toBe(1)
    const out = images(run)
    expect(Object.keys(out)).toEqual(['ap-guangzhou', 'ap-shanghai', 'ap-beijing'])
    expect(emu.state.getImage(out['ap-shanghai']!)!.ImageState).toBe('NORMAL')
    expect(emu.state.getImage(out['ap-beijing']!)!.ImageState).toBe('CREATEFAILED')
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Image copy failed')
    expect(annotation!.message).toContain(
      `ap-beijing: copy ${out['ap-beijing']} ended in CREATEFAILED`
    )
    expect(annotation!.message).toContain(`failed in 1 of 2 regions`)
    expect(annotation!.message).toContain(`Ready: ap-shanghai ${out['ap-shanghai']}`)
    expect(annotation!.message).toContain('Nothing was shared')
    expect(calls(emu, 'ModifyImageSharePermission')).toHaveLength(0)
    // The source itself is fine.
    expect(run.outputs['image-state']).toBe('NORMAL')
    expect(run.summary).toContain('CVM image failed')
    expect(run.summary).toMatch(/<td>ap-beijing<\/td><td>img-\w+<\/td><td>CREATEFAILED<\/td>/)
    expect(run.summary).toMatch(/<td>ap-shanghai<\/td><td>img-\w+<\/td><td>NORMAL<\/td>/)
  })

  it('a region whose API refuses the polls: names it and its code, the other region finishes', async () => {
    emu = await publishEmulator()
    emu.faults.add({
      action: 'DescribeImages',
      region: 'ap-singapore',
      code: 'AuthFailure.UnauthorizedOperation',
      message: 'not allowed in ap-singapore',
      times: Infinity
    })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-singapore, ap-shanghai'
    })
    expect(run.exitCode).toBe(1)
    const message = errorAnnotations(run)[0]!.message
    expect(message).toMatch(
      /ap-singapore: DescribeImages failed: .*AuthFailure\.UnauthorizedOperation/
    )
    expect(message).toContain('RequestId: ')
    expect(message).toMatch(/CAM/)
    const out = images(run)
    expect(emu.state.getImage(out['ap-shanghai']!)!.ImageState).toBe('NORMAL')
    expect(message).toContain(`Ready: ap-shanghai ${out['ap-shanghai']}`)
    // Not retried: the refused look-up by name, then one refused poll in ap-singapore.
    expect(
      calls(emu, 'DescribeImages')
        .filter(c => c.region === 'ap-singapore')
        .map(c => (c.params.Filters ? 'look-up' : 'poll'))
    ).toEqual(['look-up', 'poll'])
  })

  it('a region SyncImages does not know: nothing is copied, the error names the code', async () => {
    emu = await publishEmulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai, ap-nowhere'
    })
    expect(run.exitCode).toBe(1)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('SyncImages failed: InvalidRegion.NotFound')
    expect(annotation!.message).toMatch(
      /Copying img-\w+ to ap-shanghai, ap-nowhere failed, so nothing was copied or shared\..*ap-nowhere.*Check the region names in copy-to-regions/
    )
    expect(images(run)).toEqual({ [SEED.region]: run.outputs['image-id'] })
    expect(copiesNamed('app-1.0.0')).toEqual({ [SEED.region]: [run.outputs['image-id']] })
    expect(run.summary).toMatch(/<td>ap-nowhere<\/td><td>—<\/td><td>not copied<\/td>/)
  })
})

describe('a failing account', () => {
  it('names the refused account, shares the source with the others, and no copy', async () => {
    emu = await publishEmulator()
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai',
      'share-with-accounts': `${accountA}, ${SEED.unknownAccountId}`
    })
    expect(run.exitCode).toBe(1)
    const sourceId = run.outputs['image-id']!
    const out = images(run)
    expect(Object.keys(out)).toEqual(['ap-guangzhou', 'ap-shanghai'])
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Sharing failed: account refused')
    expect(annotation!.message).toContain(
      `Tencent Cloud refused to share ${sourceId} with ${SEED.unknownAccountId}.`
    )
    expect(annotation!.message).toMatch(/InvalidAccountId\.NotFound.*RequestId: /)
    expect(annotation!.message).toContain(`${sourceId} was shared with ${accountA}; no copy`)
    expect([...emu.state.getImage(sourceId)!.sharedWith.keys()]).toEqual([accountA])
    expect(emu.state.getImage(out['ap-shanghai']!)!.sharedWith.size).toBe(0)
    // The whole list once, then one by one to find the refused account; never the copy.
    expect(calls(emu, 'ModifyImageSharePermission').map(c => c.params.AccountIds)).toEqual([
      [accountA, SEED.unknownAccountId],
      [accountA],
      [SEED.unknownAccountId]
    ])
    expect(run.summary).toContain(`Refused: ${SEED.unknownAccountId}.`)
  })
})

describe('timeout while copying', () => {
  it('fails at wait-timeout-seconds, naming each region, its copy and progress', async () => {
    emu = await publishEmulator({ syncMs: 600_000 })
    const run = await runImageAction({
      ...baseInputs(emu),
      'wait-timeout-seconds': '3',
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai, ap-beijing',
      'share-with-accounts': accountA
    })
    expect(run.exitCode).toBe(1)
    const out = images(run)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('Timed out waiting for image copies')
    for (const region of ['ap-shanghai', 'ap-beijing']) {
      expect(annotation!.message).toMatch(
        new RegExp(
          `${region}: copy ${out[region]} was still SYNCING \\(\\d+%\\) after .*wait-timeout-seconds`
        )
      )
    }
    expect(calls(emu, 'ModifyImageSharePermission')).toHaveLength(0)
    expect(run.summary).toMatch(/<td>ap-beijing<\/td><td>img-\w+<\/td><td>SYNCING \(\d+%\)<\/td>/)
    // The deadline counts from the start of the step, not from the copy.
    expect(run.durationMs).toBeLessThan(10_000)
  })
})

describe('resilience', () => {
  it('adopts the copies when the SyncImages answer is lost, copying nothing twice', async () => {
    emu = await publishEmulator()
    emu.faults.add({ action: 'SyncImages', drop: 'after', times: 1 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai, ap-beijing'
    })
    expect(run.exitCode).toBe(0)
    const out = images(run)
    expect(copiesNamed('app-1.0.0')).toEqual({
      'ap-guangzhou': [out['ap-guangzhou']],
      'ap-shanghai': [out['ap-shanghai']],
      'ap-beijing': [out['ap-beijing']]
    })
    expect(calls(emu, 'SyncImages')).toHaveLength(1)
    expect(run.stdout).toContain(`adopting ${out['ap-shanghai']} in ap-shanghai`)
    expect(run.summary).toContain('adopted after a lost SyncImages answer')
  })

  it('retries throttling while polling many regions, and paces its own requests', async () => {
    emu = await publishEmulator({ syncMs: 1_500, rateLimits: { DescribeImages: 4 } })
    const regions = ['ap-shanghai', 'ap-beijing', 'ap-singapore', 'ap-shanghai-fsi']
    const run = await runImageAction({
      ...baseInputs(emu),
      'poll-interval-seconds': '0.1',
      ...copyEndpoints(emu),
      'copy-to-regions': regions.join(', '),
      'share-with-accounts': accountA
    })
    expect(run.exitCode).toBe(0)
    const copyPolls = calls(emu, 'DescribeImages').filter(c => regions.includes(c.region))
    expect(copyPolls.some(c => c.code === 'RequestLimitExceeded')).toBe(true)
    for (const region of regions)
      expect(emu.state.getImage(images(run)[region]!)!.ImageState).toBe('NORMAL')
    // Four regions polled every 0.1 s would be 40 requests a second; the stage sends at most 10.
    const times = copyPolls.map(c => c.time)
    const busiest = Math.max(...times.map(t => times.filter(u => u >= t && u < t + 1000).length))
    expect(busiest).toBeLessThanOrEqual(15)
  })

  it('stops copying on SIGINT, with the copies in images', async () => {
    emu = await publishEmulator({ syncMs: 600_000 })
    const run = await runImageAction(
      { ...baseInputs(emu), ...copyEndpoints(emu), 'copy-to-regions': 'ap-shanghai' },
      { cancelAfterMs: 2_500 }
    )
    expect(run.cancelled).toBe(true)
    expect(run.exitCode).toBe(1)
    const out = images(run)
    expect(emu.state.getImage(out['ap-shanghai']!)!.ImageState).toBe('SYNCING')
    expect(errorAnnotations(run)[0]!.title).toBe('Cancelled')
    const polls = calls(emu, 'DescribeImages').length
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(calls(emu, 'DescribeImages')).toHaveLength(polls)
  })
})

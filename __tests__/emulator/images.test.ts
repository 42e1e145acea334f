// DescribeImages, DeleteImages, SyncImages, sharing, quota and DescribeInstances.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { cvmClient, emulator, expectCode, SEED, sleep, waitForState } from './support.ts'

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

describe('DescribeImages', () => {
  it('matches image-name fuzzily, like the real API', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    await client.CreateImage({ ImageName: 'app-2', InstanceId: SEED.instances.running })
    const { ImageSet, TotalCount } = await client.DescribeImages({
      Filters: [{ Name: 'image-name', Values: ['app'] }]
    })
    const names = ImageSet!.map(image => image.ImageName).sort()
    expect(names).toEqual(['app-2', 'app-base-2024', 'app-base-2025', 'app-shared-2025'])
    expect(TotalCount).toBe(4)
  })

  it('filters by type and tags, and shows only what the caller may see', async () => {
    emu = await emulator()
    emu.state.addImage({
      name: 'stranger',
      region: SEED.region,
      ownerAccountId: SEED.otherAccountIds[1]
    })
    const client = cvmClient(emu)
    const ids = async (Filters: Array<{ Name: string; Values: string[] }>) =>
      (await client.DescribeImages({ Filters })).ImageSet!.map(image => image.ImageId).sort()
    expect(await ids([{ Name: 'image-type', Values: ['PUBLIC_IMAGE'] }])).toEqual([
      SEED.images.public
    ])
    expect(await ids([{ Name: 'image-type', Values: ['SHARED_IMAGE'] }])).toEqual([
      SEED.images.sharedWithMe
    ])
    expect(await ids([{ Name: 'tag-key', Values: ['team'] }])).toEqual([SEED.images.own])
    expect(await ids([{ Name: 'tag:team', Values: ['platform'] }])).toEqual([SEED.images.own])
    expect(await ids([{ Name: 'tag:team', Values: ['other'] }])).toEqual([])
    // The API documents no image-state or image-family filter.
    await expectCode(ids([{ Name: 'image-state', Values: ['NORMAL'] }]), 'InvalidFilter')
    await expectCode(ids([{ Name: 'image-family', Values: ['app-base'] }]), 'InvalidFilter')
    expect((await client.DescribeImages({})).ImageSet!.some(i => i.ImageName === 'stranger')).toBe(
      false
    )
  })

  it('pages with Offset and Limit and reports TotalCount', async () => {
    emu = await emulator()
    for (let n = 0; n < 7; n++) emu.state.addImage({ name: `bulk-${n}`, region: SEED.region })
    const client = cvmClient(emu)
    const first = await client.DescribeImages({ Limit: 5 })
    const second = await client.DescribeImages({ Offset: 5, Limit: 5 })
    const third = await client.DescribeImages({ Offset: 10, Limit: 5 })
    expect(first.TotalCount).toBe(12)
    expect([first, second, third].map(page => page.ImageSet!.length)).toEqual([5, 5, 2])
    const seen = new Set([first, second, third].flatMap(page => page.ImageSet!.map(i => i.ImageId)))
    expect(seen.size).toBe(12)
    expect((await client.DescribeImages({})).ImageSet).toHaveLength(12)
    await expectCode(
      client.DescribeImages({ Limit: 101 }),
      'InvalidParameterValue.InvalidParameterValueLimit'
    )
  })

  it('refuses ImageIds with Filters, malformed ids and unknown filters; unknown ids give an empty set', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    await expectCode(
      client.DescribeImages({
        ImageIds: [SEED.images.own],
        Filters: [{ Name: 'image-id', Values: [SEED.images.own] }]
      }),
      'InvalidParameter.InvalidParameterCoexistImageIdsFilters'
    )
    await expectCode(client.DescribeImages({ ImageIds: ['image-1'] }), 'InvalidImageId.Malformed')
    await expectCode(
      client.DescribeImages({ Filters: [{ Name: 'colour', Values: ['red'] }] }),
      'InvalidFilter'
    )
    await expect(client.DescribeImages({ ImageIds: ['img-00000000'] })).resolves.toMatchObject({
      TotalCount: 0,
      ImageSet: []
    })
  })

  it("shows only the request's region", async () => {
    emu = await emulator()
    const { ImageSet } = await cvmClient(emu, undefined, 'ap-shanghai').DescribeImages({})
    expect(ImageSet!.map(image => image.ImageId)).toEqual([SEED.images.publicShanghai])
  })
})

describe('DeleteImages', () => {
  it('deletes own NORMAL images', async () => {
    emu = await emulator()
    await cvmClient(emu).DeleteImages({ ImageIds: [SEED.images.own], DeleteBindedSnap: true })
    expect(emu.state.getImage(SEED.images.own)).toBeUndefined()
  })

  it('refuses busy, shared, public and shared-with-me images, deleting none of a batch', async () => {
    emu = await emulator({ createMs: 60_000 })
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage({
      ImageName: 'busy',
      InstanceId: SEED.instances.running
    })
    await expectCode(
      client.DeleteImages({ ImageIds: [SEED.images.own, ImageId!] }),
      'InvalidImageId.IncorrectState'
    )
    expect(emu.state.getImage(SEED.images.own)).toBeDefined()
    await expectCode(
      client.DeleteImages({ ImageIds: [SEED.images.ownShared] }),
      'InvalidImageId.InShared'
    )
    await expectCode(
      client.DeleteImages({ ImageIds: [SEED.images.public] }),
      'InvalidParameterValue.InvalidImageId'
    )
    await expectCode(
      client.DeleteImages({ ImageIds: [SEED.images.sharedWithMe] }),
      'InvalidParameterValue.InvalidImageId'
    )
    await expectCode(client.DeleteImages({ ImageIds: ['img-00000000'] }), 'InvalidImageId.NotFound')
    await expectCode(
      client.DeleteImages({ ImageIds: [SEED.images.own], DryRun: true }),
      'DryRunOperation'
    )
    expect(emu.state.getImage(SEED.images.own)).toBeDefined()
  })
})

describe('SyncImages', () => {
  it('copies into each region, SYNCING with a rising SyncPercent, then NORMAL', async () => {
    emu = await emulator({ syncMs: 400 })
    const { ImageSet } = await cvmClient(emu).SyncImages({
      ImageIds: [SEED.images.own],
      DestinationRegions: ['ap-shanghai', 'ap-beijing'],
      ImageSetRequired: true
    })
    expect(ImageSet!.map(copy => copy.Region)).toEqual(['ap-shanghai', 'ap-beijing'])
    const shanghai = cvmClient(emu, undefined, 'ap-shanghai')
    const copyId = ImageSet![0]!.ImageId
    const percents: number[] = []
    for (let n = 0; n < 4; n++) {
      const image = (await shanghai.DescribeImages({ ImageIds: [copyId] })).ImageSet![0]!
      expect(image.ImageState).toBe('SYNCING')
      percents.push(image.SyncPercent!)
      await sleep(60)
    }
    expect(percents[3]!).toBeGreaterThan(percents[0]!)
    const done = await waitForState(shanghai, copyId, 'NORMAL')
    expect(done).toMatchObject({ ImageName: 'app-base-2025', SyncPercent: 100 })
  })

  it('holds a copy at 99% for syncPlateauMs before NORMAL', async () => {
    emu = await emulator({ syncMs: 600, syncPlateauMs: 400 })
    const { ImageSet } = await cvmClient(emu).SyncImages({
      ImageIds: [SEED.images.own],
      DestinationRegions: ['ap-shanghai'],
      ImageSetRequired: true
    })
    const shanghai = cvmClient(emu, undefined, 'ap-shanghai')
    const copyId = ImageSet![0]!.ImageId
    await sleep(250)
    const held = (await shanghai.DescribeImages({ ImageIds: [copyId] })).ImageSet![0]!
    expect(held).toMatchObject({ ImageState: 'SYNCING', SyncPercent: 99 })
    const done = await waitForState(shanghai, copyId, 'NORMAL')
    expect(done.SyncPercent).toBe(100)
  })

  it('answers no ImageSet unless asked, and can be made to fail in a region', async () => {
    emu = await emulator({ syncMs: 50, failSyncRegions: ['ap-singapore'] })
    const answer = await cvmClient(emu).SyncImages({
      ImageIds: [SEED.images.own],
      DestinationRegions: ['ap-singapore']
    })
    expect(answer.ImageSet).toBeUndefined()
    const copy = emu.state.images('ap-singapore')[0]!
    await waitForState(cvmClient(emu, undefined, 'ap-singapore'), copy.ImageId, 'CREATEFAILED')
  })

  it('refuses a source that is not NORMAL, unknown regions and foreign images', async () => {
    emu = await emulator({ createMs: 60_000 })
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage({
      ImageName: 'busy',
      InstanceId: SEED.instances.running
    })
    await expectCode(
      client.SyncImages({ ImageIds: [ImageId!], DestinationRegions: ['ap-beijing'] }),
      'FailedOperation.InvalidImageState'
    )
    await expectCode(
      client.SyncImages({ ImageIds: [SEED.images.own], DestinationRegions: ['ap-nowhere'] }),
      'InvalidRegion.NotFound'
    )
    await expectCode(
      client.SyncImages({ ImageIds: [SEED.images.public], DestinationRegions: ['ap-beijing'] }),
      'InvalidParameterValue.InvalidImageId'
    )
  })
})

describe('sharing and quota', () => {
  it('shares, lists and cancels', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    const other = SEED.otherAccountIds[1]
    await client.ModifyImageSharePermission({
      ImageId: SEED.images.own,
      AccountIds: [other],
      Permission: 'SHARE'
    })
    const { SharePermissionSet } = await client.DescribeImageSharePermission({
      ImageId: SEED.images.own
    })
    expect(SharePermissionSet).toEqual([
      { AccountId: other, CreatedTime: expect.stringMatching(/Z$/) }
    ])
    await client.ModifyImageSharePermission({
      ImageId: SEED.images.own,
      AccountIds: [other],
      Permission: 'CANCEL'
    })
    await expect(
      client.DescribeImageSharePermission({ ImageId: SEED.images.own })
    ).resolves.toMatchObject({ SharePermissionSet: [] })
  })

  it('refuses bad accounts, bad permissions, images not NORMAL and images of others', async () => {
    emu = await emulator({ createMs: 60_000 })
    const client = cvmClient(emu)
    const share = (ImageId: string, AccountIds: string[], Permission = 'SHARE') =>
      client.ModifyImageSharePermission({ ImageId, AccountIds, Permission })
    await expectCode(share(SEED.images.own, [SEED.unknownAccountId]), 'InvalidAccountId.NotFound')
    await expectCode(share(SEED.images.own, ['not-an-account']), 'InvalidParameterValue')
    await expectCode(share(SEED.images.own, [SEED.accountId]), 'InvalidAccountIs.YourSelf')
    await expectCode(
      share(SEED.images.own, [SEED.otherAccountIds[0]], 'GIVE'),
      'InvalidParameterValue'
    )
    await expectCode(
      share(SEED.images.sharedWithMe, [SEED.otherAccountIds[1]]),
      'UnauthorizedOperation.ImageNotBelongToAccount'
    )
    const { ImageId } = await client.CreateImage({
      ImageName: 'busy',
      InstanceId: SEED.instances.running
    })
    await expectCode(
      share(ImageId!, [SEED.otherAccountIds[0]]),
      'InvalidParameterValue.InvalidImageState'
    )
  })

  it('reports the configured quota', async () => {
    emu = await emulator({ imageQuota: 42 })
    await expect(cvmClient(emu).DescribeImageQuota()).resolves.toMatchObject({
      ImageNumQuota: 42
    })
  })
})

describe('DescribeInstances', () => {
  it('lists instances with their state, disks and zone', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    const { InstanceSet, TotalCount } = await client.DescribeInstances({
      InstanceIds: [SEED.instances.running, SEED.instances.rebooting]
    })
    expect(TotalCount).toBe(2)
    expect(InstanceSet![0]).toMatchObject({
      InstanceId: SEED.instances.running,
      InstanceState: 'RUNNING',
      LatestOperationState: 'SUCCESS',
      SystemDisk: { DiskId: SEED.disks.runningSystem },
      DataDisks: SEED.disks.runningData.map(DiskId => expect.objectContaining({ DiskId })),
      Placement: { Zone: 'ap-guangzhou-3' }
    })
    expect(InstanceSet![1]).toMatchObject({
      InstanceState: 'REBOOTING',
      LatestOperationState: 'OPERATING'
    })
    const page = await client.DescribeInstances({ Offset: 1, Limit: 2 })
    expect(page.TotalCount).toBe(5)
    expect(page.InstanceSet).toHaveLength(2)
    await expectCode(
      client.DescribeInstances({ InstanceIds: ['i-1'] }),
      'InvalidInstanceId.Malformed'
    )
  })
})

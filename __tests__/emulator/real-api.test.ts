// The emulator behaves as the real API does where the two were found to differ: sharing twice,
// busy images, tag rules, the documented filters and rate limits, STS and the Tag service.
import { afterEach, describe, expect, it } from '@jest/globals'
import { CommonClient } from 'tencentcloud-sdk-nodejs-common'
import { DOCUMENTED_RATE_LIMITS, type Emulator } from '../../emulator/index.ts'
import { RateLimiter } from '../../emulator/rate-limit.ts'
import {
  TEST_CREDENTIALS,
  cvmClient,
  emulator,
  expectCode,
  SEED,
  sleep,
  stsClient,
  waitForState
} from './support.ts'

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

const [accountA, accountB] = SEED.otherAccountIds as [string, string]

function tagClient(e: Emulator): CommonClient {
  return new CommonClient(e.endpoint, '2018-08-13', {
    credential: TEST_CREDENTIALS,
    region: SEED.region,
    profile: { httpProfile: { endpoint: e.endpoint, protocol: 'http://', reqTimeout: 5 } }
  })
}

describe('sharing', () => {
  it('refuses to share with an account that already has the image, and sub-accounts', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    const share = (AccountIds: string[]) =>
      client.ModifyImageSharePermission({
        ImageId: SEED.images.own,
        AccountIds,
        Permission: 'SHARE'
      })
    await share([accountA])
    await expectCode(share([accountA]), 'FailedOperation.AccountAlreadyExists')
    // Nothing of a refused list is shared.
    await expectCode(share([accountB, accountA]), 'FailedOperation.AccountAlreadyExists')
    expect([...emu.state.getImage(SEED.images.own)!.sharedWith.keys()]).toEqual([accountA])
    await expectCode(share([SEED.subAccountId]), 'FailedOperation.NotMasterAccount')
    const { SharePermissionSet } = await client.DescribeImageSharePermission({
      ImageId: SEED.images.own
    })
    expect(SharePermissionSet!.map(p => p.AccountId)).toEqual([accountA])
  })

  it('answers a busy image with InvalidParameterValue.InvalidImageState', async () => {
    emu = await emulator()
    emu.state.setImageState(SEED.images.own, 'SYNCING')
    await expectCode(
      cvmClient(emu).ModifyImageSharePermission({
        ImageId: SEED.images.own,
        AccountIds: [accountA],
        Permission: 'SHARE'
      }),
      'InvalidParameterValue.InvalidImageState'
    )
  })

  it('takes up to 500 accounts per image', async () => {
    emu = await emulator()
    const many = Array.from({ length: 500 }, (_, i) => String(200000000000 + i))
    for (const id of many) emu.state.knownAccountIds.add(id)
    const client = cvmClient(emu)
    const share = (AccountIds: string[]) =>
      client.ModifyImageSharePermission({
        ImageId: SEED.images.own,
        AccountIds,
        Permission: 'SHARE'
      })
    await share(many.slice(0, 250))
    await share(many.slice(250))
    await expectCode(share([accountA]), 'OverQuota')
  })
})

describe('SyncImages', () => {
  it('keeps the source SYNCING while it copies, busy for other copies and shares; copies carry no tags or family', async () => {
    emu = await emulator({ syncMs: 200, syncSourceMs: 600 })
    const client = cvmClient(emu)
    const { ImageSet } = await client.SyncImages({
      ImageIds: [SEED.images.own],
      DestinationRegions: ['ap-shanghai'],
      ImageSetRequired: true
    })
    expect(emu.state.getImage(SEED.images.own)!.ImageState).toBe('SYNCING')
    await expectCode(
      client.SyncImages({ ImageIds: [SEED.images.own], DestinationRegions: ['ap-beijing'] }),
      'InvalidParameterValue.InvalidImageState'
    )
    const copy = await waitForState(
      cvmClient(emu, TEST_CREDENTIALS, 'ap-shanghai'),
      ImageSet![0]!.ImageId!,
      'NORMAL'
    )
    expect(copy.Tags).toEqual([])
    expect(copy.ImageFamily).toBe('')
    expect(emu.state.getImage(SEED.images.own)!.ImageState).toBe('SYNCING')
    await waitForState(client, SEED.images.own, 'NORMAL')
  })

  it('answers FailedOperation.InvalidImageState for a source still CREATING', async () => {
    emu = await emulator({ createMs: 5_000 })
    const client = cvmClient(emu)
    const { ImageId } = await client.CreateImage({
      ImageName: 'busy',
      InstanceId: SEED.instances.running
    })
    await expectCode(
      client.SyncImages({ ImageIds: [ImageId!], DestinationRegions: ['ap-shanghai'] }),
      'FailedOperation.InvalidImageState'
    )
  })
})

describe('ModifyImageAttribute', () => {
  it('sets the family of an own image and refuses an invalid one', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    await client.ModifyImageAttribute({ ImageId: SEED.images.ownShared, ImageFamily: 'app-x' })
    expect(emu.state.getImage(SEED.images.ownShared)!.ImageFamily).toBe('app-x')
    await expectCode(
      client.ModifyImageAttribute({ ImageId: SEED.images.own, ImageFamily: 'bad family' }),
      'InvalidParameterValue.InvalidImageFamily'
    )
    await expectCode(
      client.ModifyImageAttribute({ ImageId: SEED.images.public, ImageFamily: 'x' }),
      'UnauthorizedOperation.ImageNotBelongToAccount'
    )
  })
})

describe('tags', () => {
  it('reserves qcloud, tencent and project, and refuses an empty value', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    const create = (Key: string, Value: string) =>
      client.CreateImage({
        ImageName: `t-${Key}`,
        InstanceId: SEED.instances.running,
        TagSpecification: [{ ResourceType: 'image', Tags: [{ Key, Value }] }]
      })
    for (const key of ['qcloudx', 'tencent-app', 'project']) {
      await expectCode(create(key, 'v'), 'FailedOperation.TagKeyReserved')
    }
    await expectCode(create('env', ''), 'InvalidParameterValue.TagValueEmpty')
  })

  it('answers TagKeyNotFound for a tag key the account never used', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    await expectCode(
      client.DescribeImages({ Filters: [{ Name: 'tag:never-used', Values: ['x'] }] }),
      'InvalidParameterValue.TagKeyNotFound'
    )
    const { ImageSet } = await client.DescribeImages({
      Filters: [{ Name: 'tag:team', Values: ['other'] }]
    })
    expect(ImageSet).toEqual([])
  })

  it('TagResources tags images by six-segment name, at most 10 resources and 10 tags', async () => {
    emu = await emulator()
    const tag = tagClient(emu)
    const name = (id: string, region: string = SEED.region, uin: string = SEED.accountId) =>
      `qcs::cvm:${region}:uin/${uin}:image/${id}`
    await tag.request('TagResources', {
      ResourceList: [name(SEED.images.own), name(SEED.images.ownShared)],
      Tags: [
        { TagKey: 'team', TagValue: 'infra' },
        { TagKey: 'github:sha', TagValue: 'abc' }
      ]
    })
    expect(emu.state.getImage(SEED.images.own)!.Tags).toEqual([
      { Key: 'team', Value: 'infra' },
      { Key: 'github:sha', Value: 'abc' }
    ])
    expect(emu.state.getImage(SEED.images.ownShared)!.Tags).toHaveLength(2)
    const eleven = Array.from({ length: 11 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }))
    await expectCode(
      tag.request('TagResources', { ResourceList: [name(SEED.images.own)], Tags: eleven }),
      'LimitExceeded.TagNumPerRequest'
    )
    await expectCode(
      tag.request('TagResources', {
        ResourceList: Array.from({ length: 11 }, () => name(SEED.images.own)),
        Tags: [{ TagKey: 'a', TagValue: 'b' }]
      }),
      'LimitExceeded.ResourceNumPerRequest'
    )
    await expectCode(
      tag.request('TagResources', {
        ResourceList: [name(SEED.images.own, SEED.region, accountA)],
        Tags: [{ TagKey: 'a', TagValue: 'b' }]
      }),
      'InvalidParameterValue.ResourceDescriptionError'
    )
    await expectCode(
      tag.request('TagResources', {
        ResourceList: [name(SEED.images.own)],
        Tags: [{ TagKey: 'env', TagValue: '' }]
      }),
      'InvalidParameterValue.TagValueEmpty'
    )
    expect(emu.calls.filter(c => c.action === 'TagResources').every(c => c.service === 'tag')).toBe(
      true
    )
  })
})

describe('STS', () => {
  it('requires the Region common parameter', async () => {
    emu = await emulator()
    await expectCode(
      stsClient(emu, TEST_CREDENTIALS, '').request('GetCallerIdentity', {}),
      'MissingParameter'
    )
  })

  it('GetCallerIdentity names the account of the keys', async () => {
    emu = await emulator()
    const answer = (await stsClient(emu).request('GetCallerIdentity', {})) as { AccountId?: string }
    expect(answer.AccountId).toBe(SEED.accountId)
  })

  it("GetCallerIdentity of a role chained from another account: AccountId is the role's", async () => {
    const elsewhere = { secretId: 'AKIDelsewhere000000000000000000001', secretKey: 'e'.repeat(32) }
    const roleArn = `qcs::cam::uin/${SEED.accountId}:roleName/image-baker`
    emu = await emulator({
      credentials: [{ ...elsewhere, accountId: accountA }],
      sts: { roles: [{ roleArn }] }
    })
    const assumed = (await stsClient(emu, elsewhere).request('AssumeRole', {
      RoleArn: roleArn,
      RoleSessionName: 'run-1'
    })) as { Credentials: { TmpSecretId: string; TmpSecretKey: string; Token: string } }
    const { TmpSecretId, TmpSecretKey, Token } = assumed.Credentials
    const answer = (await stsClient(emu, {
      secretId: TmpSecretId,
      secretKey: TmpSecretKey,
      token: Token
    }).request('GetCallerIdentity', {})) as Record<string, string>
    expect(answer).toMatchObject({
      AccountId: SEED.accountId,
      PrincipalId: accountA,
      UserId: 'image-baker:run-1',
      Type: 'CAMRole'
    })
  })

  it('AssumeRole takes session names of up to 128 characters', async () => {
    emu = await emulator({
      sts: { roles: [{ roleArn: `qcs::cam::uin/${SEED.accountId}:roleName/r` }] }
    })
    const sts = stsClient(emu)
    const assume = (RoleSessionName: string) =>
      sts.request('AssumeRole', {
        RoleArn: `qcs::cam::uin/${SEED.accountId}:roleName/r`,
        RoleSessionName
      })
    await assume('a'.repeat(128))
    await expectCode(assume('a'.repeat(129)), 'InvalidParameter.ParamError')
    await expectCode(assume('a'), 'InvalidParameter.ParamError')
  })
})

describe('documented rate limits', () => {
  it('per action, as the API reference lists them', async () => {
    const limiter = new RateLimiter(undefined)
    const limits = Object.fromEntries(
      [
        'CreateImage',
        'DeleteImages',
        'SyncImages',
        'ModifyImageSharePermission',
        'DescribeImageSharePermission',
        'DescribeImageQuota',
        'DescribeImages',
        'AssumeRoleWithWebIdentity',
        'AssumeRole'
      ].map(action => [action, limiter.limitFor(action)])
    )
    expect(limits).toEqual({
      CreateImage: 10,
      DeleteImages: 10,
      SyncImages: 10,
      ModifyImageSharePermission: 10,
      DescribeImageSharePermission: 10,
      DescribeImageQuota: 10,
      DescribeImages: 40,
      AssumeRoleWithWebIdentity: 20,
      AssumeRole: 600
    })
    expect(DOCUMENTED_RATE_LIMITS.SyncImages).toBe(10)
    emu = await emulator()
    const client = cvmClient(emu)
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        client.DescribeImageSharePermission({ ImageId: SEED.images.own })
      )
    )
    expect(answers.filter(a => a.status === 'rejected')).toHaveLength(2)
    await sleep(1)
  })
})

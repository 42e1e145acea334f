import { describe, expect, it } from '@jest/globals'
import { ActionFailure } from '../../src/runner/failure.ts'
import { isAccountRefused } from '../../src/tencent/errors.ts'
import { newPublished } from '../../src/publish/published.ts'
import { shareWithAccounts, type ShareContext } from '../../src/publish/share.ts'
import {
  fakeApi,
  fakeClock,
  sdkError,
  type FakeApi,
  type Handler
} from '../../__fixtures__/fakes.ts'

const A = '100000000002'
const B = '100000000003'
const BAD = '100000099999'
const source = { region: 'ap-guangzhou', imageId: 'img-src00001' }
const copies = [
  { region: 'ap-shanghai', imageId: 'img-sh000001' },
  { region: 'ap-beijing', imageId: 'img-bj000001' }
]

/** Shares like the API: the whole list is refused when one account is unknown. */
const sharing: Handler = (action, params) => {
  if (action === 'DescribeImageSharePermission') return { SharePermissionSet: [] }
  const accounts = params.AccountIds as string[]
  if (accounts.includes(BAD)) {
    throw sdkError({
      code: 'InvalidAccountId.NotFound',
      message: 'no such account',
      requestId: 'r-1'
    })
  }
  return { RequestId: 'ok' }
}

function setup(handlers: Record<string, Handler>) {
  const clock = fakeClock()
  const apis: Record<string, FakeApi> = {}
  for (const [region, handler] of Object.entries(handlers)) apis[region] = fakeApi(handler)
  const ctx: ShareContext = {
    clock,
    random: () => 0,
    deadline: clock.now() + 60_000,
    log: () => {}
  }
  return { apis, ctx, clientFor: (region: string) => apis[region]! }
}

const regions = { 'ap-guangzhou': sharing, 'ap-shanghai': sharing, 'ap-beijing': sharing }

/** The SHARE requests an API got; each image's shares are read once before them. */
function shares(api: FakeApi) {
  return api.calls.filter(c => c.action === 'ModifyImageSharePermission')
}

describe('shareWithAccounts', () => {
  it('shares the source first, then every copy in its own region', async () => {
    const { apis, ctx, clientFor } = setup(regions)
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], [A, B])
    await shareWithAccounts(source, copies, clientFor, published, ctx)
    expect(apis['ap-guangzhou']!.calls).toEqual([
      { action: 'DescribeImageSharePermission', params: { ImageId: 'img-src00001' } },
      {
        action: 'ModifyImageSharePermission',
        params: { ImageId: 'img-src00001', AccountIds: [A, B], Permission: 'SHARE' }
      }
    ])
    expect(shares(apis['ap-beijing']!)[0]!.params.ImageId).toBe('img-bj000001')
    expect(published.shares.map(s => [s.region, s.imageId, s.accountIds])).toEqual([
      ['ap-guangzhou', 'img-src00001', [A, B]],
      ['ap-shanghai', 'img-sh000001', [A, B]],
      ['ap-beijing', 'img-bj000001', [A, B]]
    ])
  })

  it('finds the refused account one by one on the source, and shares no copy', async () => {
    const { apis, ctx, clientFor } = setup(regions)
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [A, BAD, B])
    const error = await shareWithAccounts(source, copies, clientFor, published, ctx).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.title).toBe('Sharing failed: account refused')
    expect(error.message).toMatch(
      new RegExp(
        `refused to share img-src00001 with ${BAD}\\. ${BAD}: .*InvalidAccountId\\.NotFound.*RequestId: r-1`
      )
    )
    expect(error.message).toContain(`img-src00001 was shared with ${A}, ${B}; no copy was shared.`)
    // The image's shares are read once, then the whole list, then one by one.
    expect(apis['ap-guangzhou']!.calls[0]!.action).toBe('DescribeImageSharePermission')
    expect(shares(apis['ap-guangzhou']!).map(c => c.params.AccountIds)).toEqual([
      [A, BAD, B],
      [A],
      [BAD],
      [B]
    ])
    expect(apis['ap-shanghai']!.calls).toHaveLength(0)
    expect(published.failedAccounts.map(f => f.accountId)).toEqual([BAD])
  })

  it('with a single refused account, asks only once', async () => {
    const { apis, ctx, clientFor } = setup(regions)
    const published = newPublished('ap-guangzhou', [], [BAD])
    const error = await shareWithAccounts(source, [], clientFor, published, ctx).catch(e => e)
    expect(error.message).toContain('Nothing was shared.')
    expect(shares(apis['ap-guangzhou']!)).toHaveLength(1)
  })

  it('names the region when the source cannot be shared for another reason', async () => {
    const { apis, ctx, clientFor } = setup({
      ...regions,
      'ap-guangzhou': action => {
        if (action === 'DescribeImageSharePermission') return {}
        throw sdkError({ code: 'UnauthorizedOperation', message: 'no', requestId: 'r-2' })
      }
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [A])
    const error = await shareWithAccounts(source, copies, clientFor, published, ctx).catch(e => e)
    expect(error.title).toBe('ModifyImageSharePermission failed: UnauthorizedOperation')
    expect(error.message).toMatch(
      /^Sharing img-src00001 in ap-guangzhou failed, so nothing was shared\..*CAM/
    )
    expect(shares(apis['ap-guangzhou']!)).toHaveLength(1)
    expect(apis['ap-shanghai']!.calls).toHaveLength(0)
  })

  it('shares the other copies and names the region whose copy could not be shared', async () => {
    const { ctx, clientFor } = setup({
      ...regions,
      'ap-beijing': action => {
        if (action === 'DescribeImageSharePermission') return {}
        throw sdkError({ code: 'InvalidImageId.IncorrectState', message: 'busy', requestId: 'r-3' })
      }
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai', 'ap-beijing'], [A])
    const error = await shareWithAccounts(source, copies, clientFor, published, ctx).catch(e => e)
    expect(error.title).toBe('Sharing failed')
    expect(error.message).toMatch(
      /failed in 1 of 2 regions\. ap-beijing: .*InvalidImageId\.IncorrectState.*RequestId: r-3/
    )
    expect(published.shares.map(s => s.region)).toEqual(['ap-guangzhou', 'ap-shanghai'])
  })

  it('goes on when the list was refused but each account alone is accepted', async () => {
    const { apis, ctx, clientFor } = setup({
      ...regions,
      'ap-guangzhou': (action, params) => {
        if (action === 'DescribeImageSharePermission') return {}
        if ((params.AccountIds as string[]).length > 1) {
          throw sdkError({ code: 'InvalidAccountId.NotFound', message: 'list refused' })
        }
        return {}
      }
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [A, B])
    await shareWithAccounts(source, copies.slice(0, 1), clientFor, published, ctx)
    expect(shares(apis['ap-guangzhou']!)).toHaveLength(3)
    expect(published.failedAccounts).toEqual([])
    expect(shares(apis['ap-shanghai']!)[0]!.params.AccountIds).toEqual([A, B])
  })

  it('retries throttling', async () => {
    let n = 0
    const { ctx, clientFor } = setup({
      'ap-guangzhou': action => {
        if (action === 'DescribeImageSharePermission') return {}
        if (n++ === 0) throw sdkError({ code: 'RequestLimitExceeded', message: 'slow down' })
        return {}
      }
    })
    const published = newPublished('ap-guangzhou', [], [A])
    await shareWithAccounts(source, [], clientFor, published, ctx)
    expect(n).toBe(2)
    expect(published.shares).toHaveLength(1)
  })
})

describe('sharing is not idempotent', () => {
  it('sends only the accounts the image lacks, and none when it has them all', async () => {
    const { apis, ctx, clientFor } = setup({
      'ap-guangzhou': action =>
        action === 'DescribeImageSharePermission'
          ? { SharePermissionSet: [{ AccountId: A, CreatedTime: '2026-01-01T00:00:00Z' }] }
          : {},
      'ap-shanghai': action =>
        action === 'DescribeImageSharePermission'
          ? { SharePermissionSet: [{ AccountId: A }, { AccountId: B }] }
          : {}
    })
    const published = newPublished('ap-guangzhou', ['ap-shanghai'], [A, B])
    await shareWithAccounts(source, copies.slice(0, 1), clientFor, published, ctx)
    expect(shares(apis['ap-guangzhou']!).map(c => c.params.AccountIds)).toEqual([[B]])
    expect(shares(apis['ap-shanghai']!)).toHaveLength(0)
    expect(published.shares.map(s => s.accountIds)).toEqual([
      [A, B],
      [A, B]
    ])
  })

  it('counts AccountAlreadyExists as done, asking one by one which account had it', async () => {
    const { apis, ctx, clientFor } = setup({
      'ap-guangzhou': (action, params) => {
        if (action === 'DescribeImageSharePermission') return {}
        if ((params.AccountIds as string[]).includes(A)) {
          throw sdkError({ code: 'FailedOperation.AccountAlreadyExists', message: 'exists' })
        }
        return {}
      }
    })
    const published = newPublished('ap-guangzhou', [], [A, B])
    await shareWithAccounts(source, [], clientFor, published, ctx)
    expect(shares(apis['ap-guangzhou']!).map(c => c.params.AccountIds)).toEqual([[A, B], [A], [B]])
    expect(published.failedAccounts).toEqual([])
    expect(published.shares).toHaveLength(1)
  })
})

describe('isAccountRefused', () => {
  it.each([
    ['InvalidAccountId.NotFound', true],
    ['InvalidAccountIs.YourSelf', true],
    ['FailedOperation.NotMasterAccount', true],
    ['FailedOperation.AccountIsYourSelf', true],
    ['FailedOperation.AccountAlreadyExists', false],
    ['OverQuota', false],
    ['InvalidImageId.IncorrectState', false]
  ])('%s: %s', (code, refused) => {
    expect(isAccountRefused(sdkError({ code }))).toBe(refused)
  })
})

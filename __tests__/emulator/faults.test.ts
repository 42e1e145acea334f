// Injected faults and rate limits, seen through the real SDK.
import { afterEach, describe, expect, it } from '@jest/globals'
import { parseThrottleAnswer } from '../../src/tencent/throttle.ts'
import type { Emulator } from '../../emulator/index.ts'
import { cvmClient, emulator, expectCode, failure, SEED } from './support.ts'

let emu: Emulator
afterEach(async () => {
  await emu?.close()
})

const create = (name: string) => ({ ImageName: name, InstanceId: SEED.instances.running })

describe('faults', () => {
  it('answers an API error code the given number of times, then works again', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    emu.faults.add({ action: 'DescribeImageQuota', code: 'InternalError', times: 2 })
    await expectCode(client.DescribeImageQuota(), 'InternalError')
    const second = await expectCode(client.DescribeImageQuota(), 'InternalError')
    expect(second.requestId).toBeTruthy()
    await expect(client.DescribeImageQuota()).resolves.toBeDefined()
    expect(emu.calls.map(call => [call.outcome, call.injected])).toEqual([
      ['error', true],
      ['error', true],
      ['ok', undefined]
    ])
    expect(emu.faults.list()).toEqual([])
  })

  it('answers an HTTP 503 page that is not the API shape', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'DescribeImages', httpStatus: 503 })
    const error = await failure(cvmClient(emu).DescribeImages({}))
    expect(error.httpCode).toBe(503)
    expect(error.code).toBeUndefined()
    expect(emu.calls[0]).toMatchObject({ outcome: 'http-error', httpStatus: 503, injected: true })
  })

  it('drops the connection before acting: nothing is created', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', drop: 'before' })
    const error = await failure(cvmClient(emu).CreateImage(create('lost-request')))
    expect(error.code).toBeUndefined()
    expect(error.httpCode).toBeUndefined()
    expect(emu.state.images().some(image => image.ImageName === 'lost-request')).toBe(false)
    expect(emu.calls[0]).toMatchObject({ outcome: 'dropped', httpStatus: 0, injected: true })
  })

  it('drops the connection after acting: the image exists though the answer was lost', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', drop: 'after' })
    const client = cvmClient(emu)
    const error = await failure(client.CreateImage(create('lost-answer')))
    expect(error.code).toBeUndefined()
    const { ImageSet } = await client.DescribeImages({
      Filters: [{ Name: 'image-name', Values: ['lost-answer'] }]
    })
    expect(ImageSet!.map(image => image.ImageName)).toEqual(['lost-answer'])
    expect(emu.calls[0]).toMatchObject({
      action: 'CreateImage',
      outcome: 'dropped',
      injected: true
    })
  })

  it('delays the answer by latencyMs and still performs the request', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'CreateImage', latencyMs: 300 })
    const started = Date.now()
    const { ImageId } = await cvmClient(emu).CreateImage(create('slow'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(emu.state.getImage(ImageId!)).toBeDefined()
    expect(emu.calls[0]).toMatchObject({ outcome: 'ok', injected: true })
  })

  it('scopes a rule to a region, matches any action with *, and can be cleared', async () => {
    emu = await emulator()
    emu.faults.add({
      action: '*',
      region: 'ap-shanghai',
      code: 'ResourceUnavailable',
      times: Infinity
    })
    await expect(cvmClient(emu).DescribeImageQuota()).resolves.toBeDefined()
    const shanghai = cvmClient(emu, undefined, 'ap-shanghai')
    await expectCode(shanghai.DescribeImages({}), 'ResourceUnavailable')
    await expectCode(shanghai.DescribeImageQuota(), 'ResourceUnavailable')
    emu.faults.clear()
    await expect(shanghai.DescribeImageQuota()).resolves.toBeDefined()
  })

  it('closes promptly while an answer is being delayed', async () => {
    emu = await emulator()
    emu.faults.add({ action: 'DescribeImages', latencyMs: 60_000 })
    const pending = failure(cvmClient(emu).DescribeImages({}))
    await new Promise(resolve => setTimeout(resolve, 50))
    const started = Date.now()
    await emu.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect((await pending).code).toBeUndefined()
  })
})

describe('rate limits', () => {
  it('lets 10 CreateImage through in a one-second burst and refuses the rest', async () => {
    emu = await emulator()
    const client = cvmClient(emu)
    const results = await Promise.allSettled(
      Array.from({ length: 14 }, (_, n) => client.CreateImage(create(`burst-${n}`)))
    )
    const refused = results.filter(result => result.status === 'rejected')
    expect(results.length - refused.length).toBe(10)
    for (const result of refused) {
      const reason = (result as PromiseRejectedResult).reason as { code?: string; message: string }
      expect(reason.code).toBe('RequestLimitExceeded')
      expect(reason.message).toMatch(/exceeds the frequency limit `10`/)
      // The action reads the count and the limit to size its retry window.
      expect(parseThrottleAnswer(reason.message)).toEqual({ seen: 11, limit: 10 })
    }
    const errors = emu.calls.filter(call => call.code === 'RequestLimitExceeded')
    expect(errors).toHaveLength(4)
    expect(errors.every(call => call.outcome === 'error' && !call.injected)).toBe(true)
  })

  it('takes per-action limits, counts per account, and can be turned off', async () => {
    const other = {
      secretId: 'AKIDother00000000000000000000000000002',
      secretKey: 'o'.repeat(32),
      accountId: SEED.otherAccountIds[0]
    }
    emu = await emulator({ rateLimits: { DescribeImageQuota: 2 }, credentials: [other] })
    const mine = cvmClient(emu)
    await mine.DescribeImageQuota()
    await mine.DescribeImageQuota()
    await expectCode(mine.DescribeImageQuota(), 'RequestLimitExceeded')
    await expect(cvmClient(emu, other).DescribeImageQuota()).resolves.toBeDefined()
    await emu.close()

    emu = await emulator({ rateLimits: false })
    const client = cvmClient(emu)
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, n) => client.CreateImage(create(`free-${n}`)))
    )
    expect(results).toHaveLength(15)
  })
})

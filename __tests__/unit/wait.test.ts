import { describe, expect, it } from '@jest/globals'
import { CancelledError } from '../../src/clock.ts'
import { ActionFailure } from '../../src/errors.ts'
import { defaultSchedule } from '../../src/schedule.ts'
import { formatDuration, waitForImage, type WaitProgress } from '../../src/wait.ts'
import { fakeApi, fakeClock, scripted } from '../../__fixtures__/fakes.ts'

function setup(timeoutMs = 3_600_000) {
  const clock = fakeClock()
  const lines: string[] = []
  return {
    clock,
    lines,
    ctx: {
      clock,
      random: () => 0,
      deadline: clock.now() + timeoutMs,
      since: clock.now(),
      schedule: defaultSchedule(8_000),
      log: (m: string) => lines.push(m)
    }
  }
}

const image = (ImageState: string) => ({
  ImageSet: [{ ImageId: 'img-1', ImageName: 'app', ImageState }]
})
const empty = { ImageSet: [] }

describe('waitForImage', () => {
  it('waits through an empty ImageSet and CREATING to NORMAL, logging only changes', async () => {
    const { ctx, lines, clock } = setup()
    const api = fakeApi(
      scripted(empty, image('CREATING'), image('CREATING'), image('CREATING'), image('NORMAL'))
    )
    // As after CreateImage: the API said CREATING, but the first DescribeImages may not list it yet.
    const progress: WaitProgress = { state: 'CREATING', polls: 0 }
    const result = await waitForImage(api, 'img-1', { ...ctx, progress })
    expect(result.image.ImageState).toBe('NORMAL')
    expect(result.polls).toBe(5)
    expect(clock.sleeps).toEqual([3_000, 4_500, 6_750, 8_000, 8_000])
    expect(lines).toEqual([
      'img-1 is not listed yet after 3s',
      'img-1 is CREATING after 7.5s',
      'img-1 is NORMAL after 30.3s'
    ])
    expect(api.calls[0]).toEqual({ action: 'DescribeImages', params: { ImageIds: ['img-1'] } })
  })

  it.each(['CREATEFAILED', 'IMPORTFAILED'])('fails on %s, naming the image', async state => {
    const { ctx } = setup()
    const error = await waitForImage(
      fakeApi(scripted(image('CREATING'), image(state))),
      'img-1',
      ctx
    ).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.message).toContain(`Image img-1 (app) ended in ${state}`)
  })

  it.each(['SYNCING', 'IMPORTING', 'USING', 'SOMETHING_NEW'])(
    'keeps waiting on %s',
    async state => {
      const { ctx } = setup()
      const result = await waitForImage(
        fakeApi(scripted(image(state), image('NORMAL'))),
        'img-1',
        ctx
      )
      expect(result.polls).toBe(2)
    }
  )

  it('fails at the timeout, naming the image and its last state, after a last poll on the deadline', async () => {
    const { ctx, clock } = setup(60_000)
    const progress: WaitProgress = { state: 'CREATING', polls: 0 }
    const error = await waitForImage(fakeApi(scripted(image('CREATING'))), 'img-1', {
      ...ctx,
      progress
    }).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.message).toMatch(/Image img-1 was still CREATING after 1m.*wait-timeout-seconds/)
    expect(clock.now() - ctx.since).toBe(60_000)
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(60_000)
    expect(progress.polls).toBe(9)
  })

  it('stops when cancelled, leaving the last state in progress', async () => {
    const { ctx } = setup()
    const abort = new AbortController()
    const progress: WaitProgress = { state: 'CREATING', polls: 0 }
    const api = fakeApi(() => {
      abort.abort()
      return image('CREATING')
    })
    const error = await waitForImage(api, 'img-1', {
      ...ctx,
      signal: abort.signal,
      progress
    }).catch(e => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(progress.state).toBe('CREATING')
    expect(progress.polls).toBe(1)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1_234, '1.2s'],
    [59_900, '59.9s'],
    [60_000, '1m'],
    [125_000, '2m 5s']
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})

import { describe, expect, it } from '@jest/globals'
import { CancelledError } from '../../src/runner/clock.ts'
import { ActionFailure } from '../../src/runner/failure.ts'
import { defaultSchedule } from '../../src/image/schedule.ts'
import { GONE_AFTER_POLLS, waitForImage, type WaitProgress } from '../../src/image/wait.ts'
import { formatDuration } from '../../src/runner/format.ts'
import { fakeApi, fakeClock, scripted } from '../../__fixtures__/fakes.ts'

function setup(timeoutMs = 3_600_000) {
  const clock = fakeClock()
  const lines: string[] = []
  const warnings: string[] = []
  return {
    clock,
    lines,
    warnings,
    ctx: {
      clock,
      random: () => 0,
      deadline: clock.now() + timeoutMs,
      since: clock.now(),
      schedule: defaultSchedule(8_000),
      log: (m: string) => lines.push(m),
      warn: (m: string) => warnings.push(m)
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
    expect(api.calls[0]).toEqual({
      action: 'DescribeImages',
      params: { ImageIds: ['img-1'] }
    })
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

  it.each(['SYNCING', 'IMPORTING', 'CREATING'])(
    'keeps waiting on %s, without a warning',
    async state => {
      const { ctx, warnings } = setup()
      const result = await waitForImage(
        fakeApi(scripted(image(state), image('NORMAL'))),
        'img-1',
        ctx
      )
      expect(result.polls).toBe(2)
      expect(result.image.ImageState).toBe('NORMAL')
      expect(warnings).toEqual([])
    }
  )

  it.each(['NORMAL', 'USING'])('takes %s as ready', async state => {
    const { ctx, lines, warnings } = setup()
    const result = await waitForImage(fakeApi(scripted(image(state))), 'img-1', ctx)
    expect(result.polls).toBe(1)
    expect(result.image.ImageState).toBe(state)
    expect(lines).toEqual([`img-1 is ${state} after 3s`])
    expect(warnings).toEqual([])
  })

  it('warns once about each state it does not know, and goes on waiting', async () => {
    const { ctx, warnings } = setup()
    const api = fakeApi(
      scripted(
        image('SOMETHING_NEW'),
        image('SOMETHING_NEW'),
        image('ANOTHER_NEW'),
        image('SOMETHING_NEW'),
        image('NORMAL')
      )
    )
    const result = await waitForImage(api, 'img-1', ctx)
    expect(result.polls).toBe(5)
    expect(result.image.ImageState).toBe('NORMAL')
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain(
      "img-1 is in state 'SOMETHING_NEW', which this action does not know"
    )
    expect(warnings[1]).toContain(
      "img-1 is in state 'ANOTHER_NEW', which this action does not know"
    )
  })

  it(`fails when a listed image is missing for ${GONE_AFTER_POLLS} polls in a row`, async () => {
    const { ctx, clock } = setup()
    const progress: WaitProgress = { state: 'CREATING', polls: 0 }
    const api = fakeApi(scripted(image('CREATING'), ...Array(GONE_AFTER_POLLS).fill(empty)))
    const error = await waitForImage(api, 'img-1', { ...ctx, progress }).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.title).toBe('Image is gone')
    expect(error.message).toContain('Image img-1 was CREATING and is no longer listed after 22.3s')
    expect(progress.polls).toBe(1 + GONE_AFTER_POLLS)
    expect(clock.now() - ctx.since).toBe(22_250)
  })

  it('counts only missing polls in a row: a listing in between starts the count again', async () => {
    const { ctx } = setup()
    const missing = Array(GONE_AFTER_POLLS - 1).fill(empty)
    const api = fakeApi(
      scripted(image('CREATING'), ...missing, image('CREATING'), ...missing, image('NORMAL'))
    )
    const result = await waitForImage(api, 'img-1', ctx)
    expect(result.polls).toBe(3 + 2 * (GONE_AFTER_POLLS - 1))
    expect(result.image.ImageState).toBe('NORMAL')
  })

  it('takes an image it was told was listed for gone when it is missing from the start', async () => {
    const { ctx } = setup()
    const progress: WaitProgress = { state: 'NORMAL', polls: 0 }
    const error = await waitForImage(fakeApi(scripted(empty)), 'img-1', {
      ...ctx,
      progress,
      listed: true
    }).catch(e => e)
    expect(error).toBeInstanceOf(ActionFailure)
    expect(error.title).toBe('Image is gone')
    expect(error.message).toContain('Image img-1 was NORMAL and is no longer listed')
    expect(progress.polls).toBe(GONE_AFTER_POLLS)
  })

  it('never takes a brand-new image that is not listed yet for gone', async () => {
    const { ctx } = setup()
    const api = fakeApi(scripted(...Array(2 * GONE_AFTER_POLLS).fill(empty), image('NORMAL')))
    const result = await waitForImage(api, 'img-1', ctx)
    expect(result.polls).toBe(2 * GONE_AFTER_POLLS + 1)
  })

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

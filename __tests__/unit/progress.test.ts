import { describe, expect, it } from '@jest/globals'
import { fakeClock } from '../../__fixtures__/fakes.ts'
import { copyProgressLines, waitProgressLines } from '../../src/image/progress.ts'
import { InputError } from '../../src/runner/inputs.ts'
import {
  Heartbeat,
  Phases,
  accountLine,
  newTally,
  progressIntervalMs
} from '../../src/runner/progress.ts'

describe('Heartbeat', () => {
  it('logs on the first beat after each interval, never sooner', () => {
    const clock = fakeClock()
    const logged: string[] = []
    const heartbeat = new Heartbeat(
      clock,
      60_000,
      m => logged.push(m),
      ms => `at ${ms}`
    )
    // Polls every 8 s for 3 minutes.
    for (let t = 0; t < 180_000; t += 8_000) {
      clock.advance(8_000)
      heartbeat.beat()
    }
    expect(logged).toEqual(['at 64000', 'at 128000'])
  })
})

describe('progress lines of a 30-minute wait', () => {
  it('say the state, the time and the polls about once a minute', () => {
    const clock = fakeClock()
    const logged: string[] = []
    const tally = newTally()
    const progress = { state: 'CREATING', polls: 0 }
    const onPoll = waitProgressLines(
      clock,
      60_000,
      m => logged.push(m),
      tally,
      'img-abcd1234',
      progress
    )
    for (let i = 0; i < 225; i++) {
      clock.advance(8_000)
      progress.polls++
      onPoll()
    }
    expect(tally.polls).toBe(225)
    expect(logged).toHaveLength(28)
    expect(logged[0]).toBe('img-abcd1234 is still CREATING after 1m 4s (8 polls).')
    expect(logged.at(-1)).toBe('img-abcd1234 is still CREATING after 29m 52s (224 polls).')
  })

  it("of copies name every region, with a copy's SyncPercent once it is polled", () => {
    const clock = fakeClock()
    const logged: string[] = []
    const tally = newTally()
    const copies = [
      { region: 'ap-shanghai', state: 'SYNCING' },
      { region: 'ap-beijing', state: 'NORMAL' }
    ]
    const onPoll = copyProgressLines(clock, 60_000, m => logged.push(m), tally, copies)
    clock.advance(61_000)
    onPoll('ap-shanghai', {
      state: 'SYNCING',
      polls: 5,
      image: { ImageState: 'SYNCING', SyncPercent: 45 }
    })
    expect(logged).toEqual([
      'Copies after 1m 1s (1 poll): ap-shanghai SYNCING 45%, ap-beijing NORMAL.'
    ])
    expect(tally.polls).toBe(1)
  })
})

describe('accountLine', () => {
  it('gives the total time, polls, retries and throttled retries', () => {
    expect(accountLine(252_000, { polls: 37, retries: 2, throttled: 1 })).toBe(
      'Took 4m 12s: 37 polls, 2 retries (1 after throttling).'
    )
    expect(accountLine(1_500, { polls: 1, retries: 1, throttled: 0 })).toBe(
      'Took 1.5s: 1 poll, 1 retry.'
    )
  })
})

describe('Phases', () => {
  it('keeps the time of a phase that fails, with its note', async () => {
    const clock = fakeClock()
    const phases = new Phases(clock)
    await phases.time('Create', async () => clock.advance(1_200))
    let polls = 0
    await expect(
      phases.time(
        'Wait',
        async () => {
          clock.advance(90_000)
          polls = 12
          throw new Error('timed out')
        },
        () => `${polls} polls`
      )
    ).rejects.toThrow('timed out')
    expect(phases.times).toEqual([
      { phase: 'Create', ms: 1_200, note: undefined },
      { phase: 'Wait', ms: 90_000, note: '12 polls' }
    ])
  })
})

describe('progressIntervalMs', () => {
  it('is a minute unless the variable says otherwise, and refuses what is not a number', () => {
    expect(progressIntervalMs({})).toBe(60_000)
    expect(progressIntervalMs({ CVM_IMAGE_PROGRESS_SECONDS: '0.5' })).toBe(500)
    expect(() => progressIntervalMs({ CVM_IMAGE_PROGRESS_SECONDS: 'soon' })).toThrow(InputError)
    expect(() => progressIntervalMs({ CVM_IMAGE_PROGRESS_SECONDS: '0' })).toThrow(
      /CVM_IMAGE_PROGRESS_SECONDS/
    )
  })
})

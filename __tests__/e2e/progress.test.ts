// Progress on long work, through dist/index.js: a line about once a minute during a wait (here
// every 0.4 s, through CVM_IMAGE_PROGRESS_SECONDS, instead of a real minute), the closing account
// of the step, and the job summary's time per phase.
import { describe, expect, it } from '@jest/globals'
import { SEED, baseInputs, copyEndpoints, emulatorFixture, runImageAction } from './support.ts'

const start = emulatorFixture()
const FAST_PROGRESS = { CVM_IMAGE_PROGRESS_SECONDS: '0.4' }

function lines(stdout: string, pattern: RegExp): string[] {
  return stdout.split('\n').filter(line => pattern.test(line))
}

describe('progress of a long wait', () => {
  it('says where the image is every interval, then what the step spent', async () => {
    const emu = await start({ createMs: 2_500 })
    const run = await runImageAction(baseInputs(emu), { env: FAST_PROGRESS })
    expect(run.exitCode).toBe(0)

    const progress = lines(run.stdout, /is still CREATING after/)
    // 2.5 s of CREATING at one line per 0.4 s (each on the first poll after it is due).
    expect(progress.length).toBeGreaterThanOrEqual(3)
    const imageId = run.outputs['image-id']!
    for (const line of progress) {
      expect(line).toMatch(
        new RegExp(`^${imageId} is still CREATING after [\\d.]+s \\(\\d+ polls?\\)\\.$`)
      )
    }
    // Polls and elapsed time only grow from one line to the next.
    const counts = progress.map(line => Number(/\((\d+) polls?\)/.exec(line)![1]))
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    expect(new Set(counts).size).toBe(counts.length)

    const [account] = lines(run.stdout, /^Took /)
    expect(account).toMatch(/^Took [\d.]+s: (\d+) polls, 0 retries\.$/)
    const polls = Number(/: (\d+) polls/.exec(account!)![1])
    expect(polls).toBe(emu.calls.filter(c => c.action === 'DescribeImages').length - 1)

    expect(run.summary).toContain('Time per phase')
    expect(run.summary).toMatch(/<td>Create<\/td><td>[\d.]+s<\/td>/)
    expect(run.summary).toMatch(new RegExp(`<td>Wait</td><td>[\\d.]+s \\(${polls} polls\\)</td>`))
  })

  it('keeps quiet for a wait shorter than the interval (the default is a minute)', async () => {
    const emu = await start({ createMs: 600 })
    const run = await runImageAction(baseInputs(emu))
    expect(run.exitCode).toBe(0)
    expect(lines(run.stdout, /is still/)).toEqual([])
    expect(lines(run.stdout, /^Took /)).toHaveLength(1)
  })

  it("reports every copy's SyncPercent per region, and counts throttled retries", async () => {
    const emu = await start({ createMs: 300, syncMs: 3_000 })
    emu.faults.add({
      action: 'DescribeImages',
      region: 'ap-shanghai',
      code: 'RequestLimitExceeded'
    })
    const run = await runImageAction(
      {
        ...baseInputs(emu),
        ...copyEndpoints(emu),
        'copy-to-regions': 'ap-shanghai, ap-beijing',
        'share-with-accounts': SEED.otherAccountIds[0]!
      },
      { env: FAST_PROGRESS }
    )
    expect(run.exitCode).toBe(0)

    const progress = lines(run.stdout, /^Copies after/)
    expect(progress.length).toBeGreaterThanOrEqual(3)
    for (const line of progress) {
      expect(line).toMatch(
        /^Copies after [\d.]+s \(\d+ polls?\): ap-shanghai (SYNCING( \d+%)?|NORMAL), ap-beijing (SYNCING( \d+%)?|NORMAL)\.$/
      )
    }
    // A region not polled yet (its poll was throttled) shows the state SyncImages gave it.
    // The emulator's SyncPercent rises as the copies go: some line shows a copy part of the way.
    expect(progress.some(line => /SYNCING ([1-9]\d?)%/.test(line))).toBe(true)

    const [account] = lines(run.stdout, /^Took /)
    expect(account).toMatch(/^Took [\d.]+s: \d+ polls, 1 retry \(1 after throttling\)\.$/)
    expect(run.summary).toMatch(/<td>Copy<\/td><td>[\d.]+s \(2 regions, \d+ polls\)<\/td>/)
    expect(run.summary).toMatch(/<td>Share<\/td><td>[\d.]+s \(1 account\)<\/td>/)
  })

  it('refuses a progress interval that is not a number, naming the variable, before any call', async () => {
    const emu = await start()
    const run = await runImageAction(baseInputs(emu), {
      env: { CVM_IMAGE_PROGRESS_SECONDS: 'soon' }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.stdout).toContain("CVM_IMAGE_PROGRESS_SECONDS': must be a number of seconds")
    expect(emu.calls).toEqual([])
  })
})

// create-slot: the jobs of one matrix take turns for CreateImage, each from its place in the
// `strategy` context, through dist/index.js as the runner runs it against the emulator.
import { describe, expect, it } from '@jest/globals'
import { LEAD_MS, TURN_MS } from '../../src/tencent/create-slot.ts'
import {
  SEED,
  baseInputs,
  calls,
  emulatorFixture,
  errorAnnotations,
  runImageAction
} from './support.ts'

const start = emulatorFixture()

/**
 * The place, in a matrix of `jobs`, whose turn comes about `aheadMs` from now, and that turn: far
 * enough ahead for the process to start and take it, not a whole cycle late.
 */
function placeAhead(jobs: number, aheadMs: number): { place: number; turnAt: number } {
  const cycle = jobs * TURN_MS
  const target = Date.now() + aheadMs
  const place = Math.ceil((target % cycle) / TURN_MS) % jobs
  const turnAt = target + ((place * TURN_MS - (target % cycle) + cycle) % cycle)
  return { place, turnAt }
}

describe('create-slot', () => {
  it('a matrix job signs in, looks its name up and sends CreateImage in its own turn', async () => {
    const emu = await start()
    const jobs = 200
    const { place, turnAt } = placeAhead(jobs, 5_000)
    // The default input reads the strategy context, as the runner evaluates it.
    const run = await runImageAction(baseInputs(emu), {
      strategy: { 'job-index': place, 'job-total': jobs, 'max-parallel': jobs }
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `create-slot ${place}/${jobs}: CreateImage's turn ${place + 1} of ${jobs} comes in`
    )
    const [lookUp] = calls(emu, 'DescribeImages')
    const [create] = calls(emu, 'CreateImage')
    // Never before its moments; late only by how long a process takes to wake and send.
    expect(lookUp!.time).toBeGreaterThanOrEqual(turnAt - LEAD_MS)
    expect(create!.time).toBeGreaterThanOrEqual(turnAt)
    expect(create!.time - turnAt).toBeLessThan(2_000)
    expect(calls(emu).filter(c => c.code?.startsWith('RequestLimitExceeded'))).toHaveLength(0)
    // The job summary says where the time went.
    expect(run.summary).toMatch(
      new RegExp(`<td>Turn</td><td>[\\d.]+s \\(create-slot ${place}/${jobs}\\)</td>`)
    )
  }, 60_000)

  it('takes no turn outside a matrix, for 10 jobs or fewer, or when set to empty', async () => {
    const emu = await start()
    // Were the empty value's turn taken, CreateImage would come about 20 s after the start.
    const { place } = placeAhead(256, 20_000)
    const began = Date.now()
    const runs = await Promise.all([
      runImageAction(baseInputs(emu, 'app-alone')),
      runImageAction(baseInputs(emu, 'app-small'), {
        strategy: { 'job-index': 9, 'job-total': 10, 'max-parallel': 10 }
      }),
      runImageAction(
        { ...baseInputs(emu, 'app-none'), 'create-slot': '' },
        {
          strategy: { 'job-index': place, 'job-total': 256, 'max-parallel': 256 }
        }
      )
    ])
    for (const run of runs) {
      expect(run.exitCode).toBe(0)
      expect(run.stdout).not.toContain('create-slot')
    }
    expect(calls(emu, 'CreateImage')).toHaveLength(3)
    expect(Math.max(...calls(emu, 'CreateImage').map(c => c.time)) - began).toBeLessThan(10_000)
  }, 60_000)

  it('does not take a turn that comes after wait-timeout-seconds', async () => {
    const emu = await start()
    const jobs = 256
    const { place } = placeAhead(jobs, 20_000)
    const began = Date.now()
    const run = await runImageAction({
      ...baseInputs(emu),
      'create-slot': `${place}/${jobs}`,
      'wait-timeout-seconds': '8'
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `create-slot ${place}/${jobs}: CreateImage's turn ${place + 1} of ${jobs} would come after wait-timeout-seconds; CreateImage goes without it.`
    )
    expect(calls(emu, 'CreateImage')[0]!.time - began).toBeLessThan(8_000)
  }, 60_000)

  it('a step cancelled while it holds back ends with nothing sent, and its post step deletes nothing', async () => {
    const emu = await start()
    const jobs = 256
    const { place } = placeAhead(jobs, 20_000)
    const run = await runImageAction(
      { ...baseInputs(emu), 'create-slot': `${place}/${jobs}`, 'cleanup-on-failure': 'true' },
      { cancelAfterMs: 2_500 }
    )
    expect(run.cancelled).toBe(true)
    expect(run.stdout).toContain(`create-slot ${place}/${jobs}`)
    expect(run.durationMs - 2_500).toBeLessThan(2_000)
    expect(errorAnnotations(run)[0]!.title).toBe('Cancelled')
    expect(errorAnnotations(run)[0]!.message).toContain(
      'CreateImage was not sent: nothing was made.'
    )
    expect(run.post?.exitCode).toBe(0)
    // Not even a sign-in or a look-up: the hold comes before every call.
    expect(calls(emu)).toHaveLength(0)
  }, 60_000)

  it('keeps the name rules exact: of two jobs in neighbouring turns with one name, the loser deletes nothing', async () => {
    const emu = await start()
    const jobs = 200
    const { place } = placeAhead(jobs, 5_000)
    // Each looks the name up a second before its turn, so both find it free.
    const inputs = { ...baseInputs(emu), 'cleanup-on-failure': 'true', 'cleanup-wait-seconds': '5' }
    const runs = await Promise.all(
      [place, place + 1].map(index =>
        runImageAction(inputs, {
          strategy: { 'job-index': index, 'job-total': jobs, 'max-parallel': jobs }
        })
      )
    )
    const lookUps = calls(emu, 'DescribeImages').filter(c => !Array.isArray(c.params.ImageIds))
    const creates = calls(emu, 'CreateImage')
    expect(lookUps.slice(0, 2).every(c => c.time < creates[0]!.time)).toBe(true)
    const winner = runs.find(run => run.exitCode === 0)
    const loser = runs.find(run => run.exitCode === 1)
    expect(winner).toBeDefined()
    expect(loser).toBeDefined()
    expect(errorAnnotations(loser!)[0]!.title).toBe(
      'CreateImage failed: InvalidImageName.Duplicate'
    )
    expect(loser!.post?.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    expect(emu.state.getImage(winner!.outputs['image-id']!)?.ImageState).toBe('NORMAL')
  }, 60_000)

  it('adopts the image when the answer to the CreateImage sent in its turn is lost', async () => {
    const emu = await start()
    emu.faults.add({ action: 'CreateImage', drop: 'after', times: 1 })
    const jobs = 200
    const { place, turnAt } = placeAhead(jobs, 4_000)
    const run = await runImageAction(baseInputs(emu), {
      strategy: { 'job-index': place, 'job-total': jobs, 'max-parallel': jobs }
    })
    expect(run.exitCode).toBe(0)
    const made = emu.state.images(SEED.region).filter(i => i.ImageName === 'app-1.0.0')
    expect(made).toHaveLength(1)
    expect(run.outputs['image-id']).toBe(made[0]!.ImageId)
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
    expect(calls(emu, 'CreateImage')[0]!.time).toBeGreaterThanOrEqual(turnAt)
  }, 60_000)

  it('refuses a bad value before any call, naming the input', async () => {
    const emu = await start()
    for (const value of ['3', '3/0', '1/1001']) {
      const run = await runImageAction({ ...baseInputs(emu), 'create-slot': value })
      expect(run.exitCode).toBe(1)
      expect(errorAnnotations(run)[0]!.message).toMatch(/^Input 'create-slot': /)
    }
    expect(calls(emu)).toHaveLength(0)
  }, 60_000)
})

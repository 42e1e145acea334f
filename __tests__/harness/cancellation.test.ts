import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../../harness/index.ts'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** Alive and not a zombie waiting to be reaped (containers often lack a reaping init). */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  if (!existsSync(stat)) return false
  return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z'
}

describe('cancellation', () => {
  it('sends SIGINT; an action that handles it exits and its post still runs', async () => {
    const run = await runAction({
      actionDir: path.join(fixtures, 'cancellable'),
      cancelAfterMs: 400
    })
    expect(run.cancelled).toBe(true)
    expect(run.outcome).toBe('cancelled')
    expect(run.exitCode).toBe(130)
    expect(run.durationMs).toBeLessThan(2000)
    expect(run.annotations).toEqual([
      { level: 'warning', message: 'Cancelled while waiting for img-pending' }
    ])
    expect(run.post?.outcome).toBe('success')
    expect(run.post?.outputs['cleaned-up']).toBe('img-pending')
  })

  it('escalates to SIGTERM, then kills the process tree', async () => {
    const run = await runAction({
      actionDir: path.join(fixtures, 'stubborn'),
      cancelAfterMs: 300,
      sigintGraceMs: 300,
      sigtermGraceMs: 300
    })
    expect(run.cancelled).toBe(true)
    expect(run.outcome).toBe('cancelled')
    expect(run.signal).toBe('SIGKILL')
    expect(run.exitCode).toBeNull()
    expect(run.stdout).toBe('running\nignoring SIGINT\nignoring SIGTERM\n')
    expect(run.durationMs).toBeGreaterThanOrEqual(900)
    expect(isRunning(Number(run.state['child-pid']))).toBe(false)
    expect(run.post?.stdout).toBe('post ran\n')
  })

  it('is not cancelled when the step ends first', async () => {
    const run = await runAction({ actionDir: path.join(fixtures, 'scripted'), cancelAfterMs: 5000 })
    expect(run.cancelled).toBe(false)
    expect(run.outcome).toBe('success')
  })
})

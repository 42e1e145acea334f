// One simulated clock for many simulated jobs: discrete events, no real waits. A sleep is an event
// at now + ms; the driver takes the earliest, moves the clock there and lets every job run until
// it sleeps again, so hundreds of jobs and minutes of API time take milliseconds of CPU.
import { setImmediate as turn } from 'node:timers/promises'
import { CancelledError, type Clock } from '../src/runner/clock.ts'

interface Wake {
  at: number
  order: number
  resolve: () => void
}

export class EventClock implements Clock {
  private t: number
  private order = 0
  private readonly queue: Wake[] = []

  constructor(start = 1_800_000_000_000) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError())
    return new Promise(resolve => {
      this.push({ at: this.t + Math.max(0, ms), order: this.order++, resolve })
    })
  }

  /** Runs events until `done` settles; every job's code runs to its next sleep between events. */
  async run<T>(done: Promise<T>): Promise<T> {
    let finished = false
    const result = done.finally(() => {
      finished = true
    })
    for (;;) {
      // Let every job that woke (and every call that answered) reach its next sleep.
      await turn()
      if (finished) return result
      const next = this.pop()
      if (!next) return result
      this.t = next.at
      next.resolve()
    }
  }

  // A binary heap by time, then by order of sleeping: equal times wake in the order they slept.
  private push(wake: Wake): void {
    const q = this.queue
    q.push(wake)
    for (let i = q.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (!before(q[i]!, q[parent]!)) break
      ;[q[i], q[parent]] = [q[parent]!, q[i]!]
      i = parent
    }
  }

  private pop(): Wake | undefined {
    const q = this.queue
    const top = q[0]
    const last = q.pop()
    if (q.length > 0 && last) {
      q[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < q.length && before(q[l]!, q[m]!)) m = l
        if (r < q.length && before(q[r]!, q[m]!)) m = r
        if (m === i) break
        ;[q[i], q[m]] = [q[m]!, q[i]!]
        i = m
      }
    }
    return top
  }
}

function before(a: Wake, b: Wake): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order)
}

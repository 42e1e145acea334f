// Test doubles for the injected clock, randomness and API client: no real waits, no network.
import type { Clock } from '../src/runner/clock.ts'
import { CancelledError } from '../src/runner/clock.ts'
import type { ApiClient, CallOptions } from '../src/tencent/client.ts'

export interface FakeClock extends Clock {
  sleeps: number[]
  advance(ms: number): void
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => t,
    advance: ms => {
      t += ms
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError()
      sleeps.push(ms)
      t += ms
    }
  }
}

/** An SDK-shaped error: API errors carry `code`, HTTP errors `httpCode`, network errors neither. */
export function sdkError(fields: {
  code?: string
  httpCode?: number
  message?: string
  requestId?: string
}): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), { requestId: '', ...fields })
}

export type Handler = (
  action: string,
  params: Record<string, unknown>,
  options?: CallOptions
) => unknown

export interface FakeApi extends ApiClient {
  calls: { action: string; params: Record<string, unknown> }[]
  /** The options each call came with, in step with `calls`. */
  options: (CallOptions | undefined)[]
}

/** Each call goes to the handler; a thrown value is the call's failure. */
export function fakeApi(handler: Handler): FakeApi {
  const calls: FakeApi['calls'] = []
  const options: FakeApi['options'] = []
  return {
    calls,
    options,
    call: async <T>(action: string, params: object, callOptions?: CallOptions) => {
      calls.push({ action, params: params as Record<string, unknown> })
      options.push(callOptions)
      return handler(action, params as Record<string, unknown>, callOptions) as T
    }
  }
}

/** Answers from a script, one per call, in order. */
export function scripted(...answers: (unknown | Error)[]): Handler {
  let i = 0
  return () => {
    const answer = answers[Math.min(i++, answers.length - 1)]
    if (answer instanceof Error) throw answer
    return answer
  }
}

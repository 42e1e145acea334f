// What every action handler gets, and what it gives back (the Response fields minus RequestId).
import { dryRunOperation } from './api-error.ts'
import type { KeyStore } from './credentials.ts'
import type { Params } from './params.ts'
import type { EmulatorState } from './state.ts'
import type { DryRunStyle, StsOptions } from './types.ts'

export interface ActionContext {
  params: Params
  region: string
  /** The caller's account; for unsigned STS calls, the account of the role asked for. */
  accountId: string
  secretId?: string
  state: EmulatorState
  keys: KeyStore
  sts: StsOptions
  dryRunStyle: DryRunStyle
  /** The injected clock (epoch ms), for credential lifetimes. */
  nowMs: number
}

export type ActionResult = Record<string, unknown>
export type ActionHandler = (context: ActionContext) => ActionResult

/** A dry run that passed every check: the API answers either way, by configuration. */
export function dryRunPassed(context: ActionContext): ActionResult {
  if (context.dryRunStyle === 'error') throw dryRunOperation()
  return {}
}

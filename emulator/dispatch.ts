// From a received request to an answer, in the gateway's order: which service and action, who is
// calling (signature, keys, token), which region, the rate limit, then the action itself.
import type { ActionContext, ActionHandler, ActionResult } from './action-context.ts'
import { ApiError, missingParameter } from './api-error.ts'
import { AS_ACTIONS, AS_VERSION } from './as/index.ts'
import { authenticate, headerText } from './authenticate.ts'
import type { KeyStore } from './credentials.ts'
import { CVM_ACTIONS, CVM_VERSION } from './cvm/index.ts'
import type { Params } from './params.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { ArrivedRequest } from './signature.ts'
import type { EmulatorState } from './state.ts'
import { accountOfRoleArn, STS_ACTIONS, STS_VERSION, UNSIGNED_STS_ACTIONS } from './sts/index.ts'
import { TAG_ACTIONS, TAG_VERSION } from './tag/index.ts'
import type { DryRunStyle, Service, StsOptions } from './types.ts'

const SERVICES: Record<
  Service,
  { version: string; actions: Readonly<Record<string, ActionHandler>> }
> = {
  cvm: { version: CVM_VERSION, actions: CVM_ACTIONS },
  sts: { version: STS_VERSION, actions: STS_ACTIONS },
  as: { version: AS_VERSION, actions: AS_ACTIONS },
  tag: { version: TAG_VERSION, actions: TAG_ACTIONS }
}

/** What a request says about itself, read without judging it (for the call log and faults). */
export interface RequestSummary {
  service: Service
  action: string
  version: string
  region: string
  params: Params
  paramsError?: ApiError
  secretId?: string
  token?: string
  signed: boolean
}

export type Outcome = { ok: true; result: ActionResult } | { ok: false; error: ApiError }

export interface DispatcherDeps {
  state: EmulatorState
  keys: KeyStore
  limiter: RateLimiter
  sts: StsOptions
  dryRunStyle: DryRunStyle
  now: () => number
}

function serviceOf(version: string, action: string): Service {
  // STS and Tag share a version; their actions tell them apart.
  if (action in TAG_ACTIONS) return 'tag'
  if (version === STS_VERSION) return 'sts'
  if (version === CVM_VERSION) return 'cvm'
  if (version === AS_VERSION) return 'as'
  return action in STS_ACTIONS ? 'sts' : 'cvm'
}

function parseBody(body: Buffer): { params: Params; error?: ApiError } {
  const text = body.toString('utf8')
  if (text.trim() === '') return { params: {} }
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { params: value as Params }
    }
  } catch {
    // reported below
  }
  return {
    params: {},
    error: new ApiError('InvalidParameter', 'The request body must be a JSON object.')
  }
}

export function summarize(request: ArrivedRequest): RequestSummary {
  const action = headerText(request, 'x-tc-action') ?? ''
  const version = headerText(request, 'x-tc-version') ?? ''
  const authorization = headerText(request, 'authorization') ?? ''
  const { params, error } = parseBody(request.body)
  return {
    service: serviceOf(version, action),
    action,
    version,
    region: headerText(request, 'x-tc-region') ?? '',
    params,
    paramsError: error,
    secretId: /Credential=([^/\s]+)\//.exec(authorization)?.[1],
    token: headerText(request, 'x-tc-token'),
    signed: authorization.startsWith('TC3-HMAC-SHA256 ')
  }
}

export class Dispatcher {
  private readonly deps: DispatcherDeps

  constructor(deps: DispatcherDeps) {
    this.deps = deps
  }

  dispatch(request: ArrivedRequest, summary: RequestSummary): Outcome {
    try {
      return { ok: true, result: this.run(request, summary) }
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error }
      const message = error instanceof Error ? error.message : String(error)
      return { ok: false, error: new ApiError('InternalError', `Emulator failure: ${message}`) }
    }
  }

  private run(request: ArrivedRequest, summary: RequestSummary): ActionResult {
    const { state, keys, limiter, now } = this.deps
    if (request.method !== 'POST') {
      throw new ApiError(
        'UnsupportedProtocol',
        `The emulator accepts POST with a JSON body only, not ${request.method}.`
      )
    }
    if (!summary.action) throw missingParameter('Action')
    if (!summary.version) throw missingParameter('Version')
    const service = SERVICES[summary.service]
    if (summary.version !== service.version) {
      throw new ApiError('NoSuchVersion', `The API version \`${summary.version}\` does not exist.`)
    }
    const handler = service.actions[summary.action]
    if (!handler) {
      throw new ApiError('InvalidAction', `The action \`${summary.action}\` is not found.`)
    }

    const nowMs = now()
    let accountId: string
    let secretId: string | undefined
    const unsigned =
      summary.service === 'sts' &&
      UNSIGNED_STS_ACTIONS.has(summary.action) &&
      headerText(request, 'authorization') === 'SKIP'
    if (unsigned) {
      accountId = accountOfRoleArn(summary.params.RoleArn) ?? state.accountId
    } else {
      const identity = authenticate(request, keys, nowMs)
      accountId = identity.accountId
      secretId = identity.secretId
    }

    this.checkRegion(summary)
    if (summary.paramsError) throw summary.paramsError
    limiter.admit(accountId, summary.action, Date.now())

    const context: ActionContext = {
      params: summary.params,
      region: summary.region,
      accountId,
      secretId,
      state,
      keys,
      sts: this.deps.sts,
      dryRunStyle: this.deps.dryRunStyle,
      nowMs
    }
    return handler(context)
  }

  private checkRegion(summary: RequestSummary): void {
    // Tag is a global service: any region, or none, will do.
    if (summary.service === 'tag') return
    if (!summary.region) throw missingParameter('Region')
    // STS is global too, but requires the Region common parameter; any value will do.
    if (summary.service === 'sts') return
    if (!this.deps.state.regions.includes(summary.region)) {
      throw new ApiError(
        'UnsupportedRegion',
        `The action \`${summary.action}\` does not support the region \`${summary.region}\`.`
      )
    }
  }
}

// The HTTP side: read the request, apply any armed fault, answer in the API's shape, log the call.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { ApiError } from './api-error.ts'
import { summarize, type Dispatcher, type Outcome } from './dispatch.ts'
import type { Faults } from './faults.ts'
import { newRequestId } from './ids.ts'
import type { ArrivedRequest } from './signature.ts'
import type { CallOutcome, FaultRule, RecordedCall } from './types.ts'

const MAX_BODY_BYTES = 10 * 1024 * 1024
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface ServerDeps {
  dispatcher: Dispatcher
  faults: Faults
  calls: RecordedCall[]
  logger?: (line: string) => void
  /** Resolves after ms, or early with false once the emulator is closing. */
  sleep: (ms: number) => Promise<boolean>
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function sendJson(
  res: ServerResponse,
  req: IncomingMessage,
  requestId: string,
  response: Record<string, unknown>
): void {
  const body = JSON.stringify({ Response: { ...response, RequestId: requestId } })
  const traceId = req.headers['x-tc-traceid']
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...(typeof traceId === 'string' ? { 'X-TC-TraceId': traceId } : {})
  })
  res.end(body)
}

function errorBody(error: Pick<ApiError, 'code' | 'message'>): Record<string, unknown> {
  return { Error: { Code: error.code, Message: error.message } }
}

/** What a gateway in front of the API sends on a 5xx: a page, not the API's JSON. */
function sendHttpError(res: ServerResponse, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Error'
  const body = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  res.writeHead(status, reason, { 'Content-Type': 'text/html', 'Content-Length': body.length })
  res.end(body)
}

export function createRequestHandler(deps: ServerDeps) {
  let seq = 0
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = Date.now()
    const callSeq = ++seq
    const requestId = newRequestId()
    let body: Buffer
    try {
      body = await readBody(req)
    } catch {
      req.socket.destroy()
      return
    }
    const request: ArrivedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body
    }
    const summary = summarize(request)
    const record = (outcome: CallOutcome, httpStatus: number, fault?: FaultRule, code?: string) => {
      const call: RecordedCall = {
        seq: callSeq,
        time: arrivedAt,
        service: summary.service,
        action: summary.action,
        region: summary.region,
        version: summary.version,
        params: summary.params,
        secretId: summary.secretId,
        token: summary.token,
        signed: summary.signed,
        outcome,
        code,
        requestId,
        httpStatus,
        injected: fault ? true : undefined,
        durationMs: Date.now() - arrivedAt
      }
      deps.calls.push(call)
      deps.logger?.(logLine(call))
    }

    const fault = deps.faults.take(summary.action, summary.region)
    if (fault?.latencyMs && !(await deps.sleep(fault.latencyMs))) {
      req.socket.destroy()
      return
    }
    if (fault?.hang) {
      // Until the client gives up (or the emulator closes): then it is recorded as dropped.
      const clientGone = new Promise<boolean>(resolve => res.once('close', () => resolve(false)))
      await Promise.race([clientGone, deps.sleep(MAX_TIMER_MS)])
      req.socket.destroy()
      record('dropped', 0, fault)
      return
    }
    if (fault?.body !== undefined) {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(fault.body)
      })
      res.end(fault.body)
      record('http-error', 200, fault)
      return
    }
    if (fault?.drop === 'before') {
      req.socket.destroy()
      record('dropped', 0, fault)
      return
    }
    if (fault?.httpStatus) {
      sendHttpError(res, fault.httpStatus)
      record('http-error', fault.httpStatus, fault)
      return
    }
    if (fault?.code) {
      const message = fault.message ?? `Injected ${fault.code} (emulator fault rule).`
      sendJson(res, req, requestId, errorBody({ code: fault.code, message }))
      record('error', 200, fault, fault.code)
      return
    }

    const outcome: Outcome = deps.dispatcher.dispatch(request, summary)
    const code = outcome.ok ? undefined : outcome.error.code
    if (fault?.drop === 'after') {
      req.socket.destroy()
      record('dropped', 0, fault, code)
      return
    }
    sendJson(res, req, requestId, outcome.ok ? outcome.result : errorBody(outcome.error))
    record(outcome.ok ? 'ok' : 'error', 200, fault, code)
  }
}

function logLine(call: RecordedCall): string {
  const where = call.region || '-'
  const result = call.code ? `${call.outcome} ${call.code}` : call.outcome
  const injected = call.injected ? ' (injected)' : ''
  return `${new Date(call.time).toISOString()} #${call.seq} ${call.service} ${call.action || '?'} ${where} -> ${result}${injected} ${call.durationMs}ms`
}

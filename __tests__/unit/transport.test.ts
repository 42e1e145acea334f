import { afterEach, describe, expect, it } from '@jest/globals'
import { Transport } from '../../src/tencent/client.ts'

let transport: Transport | undefined

afterEach(() => {
  transport?.dispose()
  transport = undefined
})

describe('Transport', () => {
  it('gives http and https endpoints agents of their own protocol, whichever asks first', () => {
    transport = new Transport()
    const sts = transport.agentFor('http://127.0.0.1:9000/') as { protocol?: string }
    const cvm = transport.agentFor('https://cvm.tencentcloudapi.com/') as { protocol?: string }
    expect(sts.protocol).toBe('http:')
    expect(cvm.protocol).toBe('https:')
  })

  it('keeps one agent per protocol, so connections are reused across clients', () => {
    transport = new Transport()
    const a = transport.agentFor('https://cvm.tencentcloudapi.com/')
    const b = transport.agentFor('https://cvm.ap-shanghai.tencentcloudapi.com/')
    expect(a).toBe(b)
  })
})

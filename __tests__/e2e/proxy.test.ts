import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Emulator } from '../../emulator/index.ts'
import { baseInputs, calls, emulator, errorAnnotations, runImageAction } from './support.ts'

/** A CONNECT proxy that sends every tunnel to the emulator, whatever host was asked for. */
async function tunnellingProxy(target: URL) {
  const connects: string[] = []
  const server = http.createServer((_, res) => res.writeHead(405).end())
  server.on('connect', (req, socket: net.Socket, head) => {
    connects.push(req.url ?? '')
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

let emu: Emulator
let proxy: Awaited<ReturnType<typeof tunnellingProxy>> | undefined

afterEach(async () => {
  await proxy?.close()
  proxy = undefined
  await emu?.close()
})

describe('proxies', () => {
  it('sends requests through HTTP_PROXY for an http endpoint', async () => {
    emu = await emulator()
    proxy = await tunnellingProxy(new URL(emu.url))
    const port = new URL(emu.url).port
    const run = await runImageAction(
      { ...baseInputs(emu), endpoint: `http://cvm.emulator.test:${port}` },
      { env: { HTTP_PROXY: proxy.url } }
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`through proxy ${proxy.url}/`)
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1)
    expect(new Set(proxy.connects)).toEqual(new Set([`cvm.emulator.test:${port}`]))
    expect(calls(emu, 'CreateImage')).toHaveLength(1)
  })

  it('keeps loopback endpoints off the proxy, where the SDK alone would use http_proxy', async () => {
    emu = await emulator()
    proxy = await tunnellingProxy(new URL(emu.url))
    const run = await runImageAction(baseInputs(emu), { env: { http_proxy: proxy.url } })
    expect(run.exitCode).toBe(0)
    expect(proxy.connects).toEqual([])
  })

  it('honours NO_PROXY', async () => {
    emu = await emulator()
    proxy = await tunnellingProxy(new URL(emu.url))
    const port = new URL(emu.url).port
    const run = await runImageAction(
      {
        ...baseInputs(emu),
        endpoint: `http://cvm.emulator.test:${port}`,
        'wait-timeout-seconds': '2'
      },
      { env: { HTTP_PROXY: proxy.url, NO_PROXY: '.emulator.test' } }
    )
    // Bypassing the proxy, the made-up host cannot be reached: the point is the proxy saw nothing.
    expect(proxy.connects).toEqual([])
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.message).toMatch(/no answer from the API.*no_proxy/)
  })
})

import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bundleWeight, findBundles, scanServices } from '../../bench/bundles.ts'

let root: string | undefined
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
})

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root!, file)), { recursive: true })
  writeFileSync(path.join(root!, file), text)
}

describe('bundle checks', () => {
  it('finds dist/index.js and the dist of every folder with its own action.yml', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'))
    write('dist/index.js', '')
    write('cleanup/action.yml', 'runs: {}')
    write('cleanup/dist/index.js', '')
    write('emulator/dist/index.js', '') // no action.yml: not an entry
    expect(findBundles(root).map(b => b.name)).toEqual(['dist/index.js', 'cleanup/dist/index.js'])
  })

  it('weighs the JavaScript node loads, not source maps or licences', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'))
    write('dist/index.js', 'x'.repeat(1000))
    write('dist/sourcemap-register.cjs', 'x'.repeat(10))
    write('dist/index.js.map', 'x'.repeat(5000))
    write('dist/licenses.txt', 'x'.repeat(300))
    expect(bundleWeight(path.join(root, 'dist')).jsBytes).toBe(1010)
  })

  it('names the service clients inside and flags those the action never calls', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'))
    write(
      'dist/index.js',
      [
        'class Client extends n.AbstractClient{constructor(e){super("cvm.tencentcloudapi.com","2017-03-12",e)}}',
        'class Client extends n.AbstractClient{constructor(e){super("vpc.tencentcloudapi.com","2017-03-12",e)}}',
        'this.endpoint="sts.tencentcloudapi.com"'
      ].join('\n')
    )
    expect(scanServices(path.join(root, 'dist'))).toEqual({
      clients: [
        { service: 'cvm', version: '2017-03-12' },
        { service: 'vpc', version: '2017-03-12' }
      ],
      hosts: ['sts'],
      unused: ['vpc']
    })
  })

  it('finds only the CVM client in the built dist/index.js', () => {
    const scan = scanServices(path.resolve('dist'))
    expect(scan.clients.map(c => c.service)).toEqual(['cvm'])
    expect(scan.unused).toEqual([])
  })
})

// What each bundled entry weighs, and which Tencent Cloud service clients it carries.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

/** The services the action calls: CVM for images, STS for OIDC sign-in. */
export const USED_SERVICES = new Set(['cvm', 'sts'])

export interface Bundle {
  /** e.g. 'dist/index.js' */
  name: string
  entry: string
  dir: string
}

/** dist/index.js, and <folder>/dist/index.js of every folder with its own action.yml. */
export function findBundles(root: string): Bundle[] {
  const candidates = ['dist/index.js']
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules')
      continue
    if (existsSync(path.join(root, entry.name, 'action.yml'))) {
      candidates.push(`${entry.name}/dist/index.js`)
    }
  }
  return candidates
    .filter(name => existsSync(path.join(root, name)))
    .map(name => ({
      name,
      entry: path.join(root, name),
      dir: path.dirname(path.join(root, name))
    }))
}

export interface BundleWeight {
  /** Bytes of JavaScript node loads (.js, .cjs, .mjs); source maps and licences not counted. */
  jsBytes: number
  files: { name: string; bytes: number }[]
}

export function bundleWeight(dir: string): BundleWeight {
  const files = readdirSync(dir)
    .filter(name => /\.(c|m)?js$/.test(name))
    .map(name => ({ name, bytes: statSync(path.join(dir, name)).size }))
  return { jsBytes: files.reduce((sum, f) => sum + f.bytes, 0), files }
}

export interface ServiceScan {
  /** Service clients bundled: `super("<service>.tencentcloudapi.com", "<version>", ...)`. */
  clients: { service: string; version: string }[]
  /** Other Tencent Cloud hosts named in the code (e.g. credential providers). */
  hosts: string[]
  /** Clients of services the action never calls. */
  unused: string[]
}

export function scanServices(dir: string): ServiceScan {
  const code = readdirSync(dir)
    .filter(name => /\.(c|m)?js$/.test(name))
    .map(name => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n')
  const clients = new Map<string, string>()
  for (const m of code.matchAll(
    /super\(\s*["']([a-z0-9-]+)\.tencentcloudapi\.com["']\s*,\s*["'](\d{4}-\d{2}-\d{2})["']/g
  )) {
    clients.set(`${m[1]} ${m[2]}`, m[1]!)
  }
  const hosts = new Set<string>()
  for (const m of code.matchAll(/\b([a-z0-9-]+)\.tencentcloudapi\.com\b/g)) hosts.add(m[1]!)
  const clientList = [...clients.keys()].sort().map(key => {
    const [service, version] = key.split(' ') as [string, string]
    return { service, version }
  })
  const clientServices = new Set(clientList.map(c => c.service))
  return {
    clients: clientList,
    hosts: [...hosts].filter(h => !clientServices.has(h)).sort(),
    unused: [...clientServices].filter(s => !USED_SERVICES.has(s)).sort()
  }
}

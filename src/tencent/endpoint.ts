import { InputError } from '../runner/inputs.ts'

/** Where the SDK sends requests: it wants a host (with optional port) and a separate protocol. */
export interface Endpoint {
  host: string
  protocol: 'https://' | 'http://'
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i
const DEFAULT_HOST = 'tencentcloudapi.com'

export function isFinanceRegion(region: string): boolean {
  return region.endsWith('-fsi')
}

/** The documented default: the nearest-region domain, but finance regions only answer on their own. */
export function defaultEndpointHost(service: string, region: string): string {
  return isFinanceRegion(region)
    ? `${service}.${region}.${DEFAULT_HOST}`
    : `${service}.${DEFAULT_HOST}`
}

/**
 * Accepts a host ('cvm.ap-shanghai-fsi.tencentcloudapi.com') or a URL with scheme and port
 * ('http://127.0.0.1:9000'). The SDK itself would turn 'http://x' into 'https://http://x'.
 */
export function parseEndpoint(
  input: string,
  value: string,
  service: string,
  region: string
): Endpoint {
  if (value === '') return { host: defaultEndpointHost(service, region), protocol: 'https://' }
  let host = value
  let protocol: Endpoint['protocol'] = 'https://'
  const scheme = /^([a-z]+):\/\//i.exec(value)
  if (scheme) {
    const name = scheme[1]!.toLowerCase()
    if (name !== 'http' && name !== 'https') {
      throw new InputError(input, `must use http:// or https://, got '${value}'.`)
    }
    protocol = name === 'http' ? 'http://' : 'https://'
    host = value.slice(scheme[0].length).replace(/\/$/, '')
  }
  if (!HOST.test(host)) {
    throw new InputError(
      input,
      `'${value}' is not a host or a URL without a path (e.g. '${service}.${DEFAULT_HOST}' or 'http://127.0.0.1:9000').`
    )
  }
  if (isFinanceRegion(region) && host.toLowerCase() === `${service}.${DEFAULT_HOST}`) {
    throw new InputError(
      input,
      `finance region ${region} is only served by ${defaultEndpointHost(service, region)}; leave ${input} empty to use it.`
    )
  }
  return { host, protocol }
}

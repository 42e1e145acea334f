// copy-to-regions and share-with-accounts -> what to publish, checked before any API call. Pure.
import { parseEndpoint, type Endpoint } from '../tencent/endpoint.ts'
import { InputError, REGION_NAME, parseList } from '../runner/inputs.ts'

export interface PublishSpec {
  /** Destination regions, in the order given. */
  regions: string[]
  /** Account ids (UINs) to share the image and every copy with. */
  accountIds: string[]
  /** The endpoint for each region the stage calls: the source's and every destination's. */
  endpoints: Record<string, Endpoint>
  /** The Tag service, which tags the copies (SyncImages cannot). */
  tagEndpoint: Endpoint
}

/** Tencent Cloud account ids (UINs) are numbers; no leading zero. */
const ACCOUNT_ID = /^[1-9]\d{4,19}$/

export interface PublishContext {
  region: string
  endpoint: Endpoint
  /** The endpoint input as given: empty means each region gets its default domain. */
  endpointInput: string
  wait: boolean
  dryRun: boolean
}

/** ModifyImageSharePermission's limit (OverQuota beyond it); an older English page said 50. */
export const MAX_SHARED_ACCOUNTS = 500

export function parsePublishSpec(
  get: (name: 'copy-to-regions' | 'share-with-accounts' | 'tag-endpoint') => string,
  context: PublishContext
): PublishSpec {
  const regions = parseList('copy-to-regions', get('copy-to-regions'))
  for (const region of regions) {
    if (!REGION_NAME.test(region)) {
      throw new InputError(
        'copy-to-regions',
        `'${region}' is not a region name such as ap-shanghai.`
      )
    }
    if (region === context.region) {
      throw new InputError(
        'copy-to-regions',
        `lists ${region}, the region the image is made in; list only the other regions to copy it to.`
      )
    }
  }

  const accountIds = parseList('share-with-accounts', get('share-with-accounts'))
  if (accountIds.length > MAX_SHARED_ACCOUNTS) {
    throw new InputError(
      'share-with-accounts',
      `lists ${accountIds.length} accounts; an image can be shared with at most ${MAX_SHARED_ACCOUNTS}.`
    )
  }
  for (const id of accountIds) {
    if (!ACCOUNT_ID.test(id)) {
      throw new InputError(
        'share-with-accounts',
        `'${id}' is not an account id: use the numeric account ID (UIN) of each account, e.g. 100012345678, as shown in its Account Center.`
      )
    }
  }

  // Copying and sharing need a NORMAL image, which only a run that waits has.
  if (!context.wait && !context.dryRun) {
    const input = regions.length > 0 ? 'copy-to-regions' : 'share-with-accounts'
    if (regions.length > 0 || accountIds.length > 0) {
      throw new InputError(
        input,
        'needs wait: true: an image can only be copied or shared once it is NORMAL. Set wait to true, or leave copy-to-regions and share-with-accounts empty.'
      )
    }
  }

  // The region goes in each request, so one domain serves every region, except that finance
  // regions only answer on their own domain (parseEndpoint refuses the shared one for them).
  const endpoints: Record<string, Endpoint> = { [context.region]: context.endpoint }
  for (const region of regions) {
    endpoints[region] = parseEndpoint('endpoint', context.endpointInput, 'cvm', region)
  }
  const tagEndpoint = parseEndpoint('tag-endpoint', get('tag-endpoint'), 'tag', context.region)
  return { regions, accountIds, endpoints, tagEndpoint }
}

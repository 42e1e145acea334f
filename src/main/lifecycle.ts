// The image-lifecycle inputs of the main action: what to do with an image of the same name, whether
// to delete an image this run made when the run fails, and provenance tags. Pure, like inputs.ts.
import { IF_EXISTS, type IfExists } from '../image/if-exists.ts'
import { InputError, parseBoolean, parseNumber } from '../runner/inputs.ts'

export interface Lifecycle {
  ifExists: IfExists
  cleanupOnFailure: boolean
  /** How long the post step waits for a CREATING image to end before it gives up deleting it. */
  cleanupWaitMs: number
  provenanceTags: boolean
}

export const DEFAULT_CLEANUP_WAIT_SECONDS = 300

export function parseLifecycle(
  get: (
    name: 'if-exists' | 'cleanup-on-failure' | 'cleanup-wait-seconds' | 'provenance-tags'
  ) => string
): Lifecycle {
  const ifExists = get('if-exists') || 'fail'
  if (!(IF_EXISTS as readonly string[]).includes(ifExists)) {
    throw new InputError('if-exists', `must be fail, reuse or replace, got '${ifExists}'.`)
  }
  return {
    ifExists: ifExists as IfExists,
    cleanupOnFailure: parseBoolean('cleanup-on-failure', get('cleanup-on-failure'), false),
    cleanupWaitMs:
      1000 *
      parseNumber(
        'cleanup-wait-seconds',
        get('cleanup-wait-seconds'),
        DEFAULT_CLEANUP_WAIT_SECONDS,
        { min: 0, max: 3600 }
      ),
    provenanceTags: parseBoolean('provenance-tags', get('provenance-tags'), true)
  }
}

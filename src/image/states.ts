// The one vocabulary of image states (ImageState in the API's Image model) and what each means to
// the action: ready to use, failed for good, or still on its way.

export const IMAGE_STATE = {
  creating: 'CREATING',
  normal: 'NORMAL',
  createFailed: 'CREATEFAILED',
  syncing: 'SYNCING',
  importing: 'IMPORTING',
  importFailed: 'IMPORTFAILED',
  /** Older API pages: an image in use by instances. It is ready. */
  using: 'USING'
} as const

/** What the action reports before DescribeImages lists a brand-new image. */
export const NOT_LISTED = 'NOT_LISTED'

export type Phase = 'ready' | 'failed' | 'busy' | 'unknown'

const PHASES: Record<string, Phase> = {
  [IMAGE_STATE.normal]: 'ready',
  [IMAGE_STATE.using]: 'ready',
  [IMAGE_STATE.createFailed]: 'failed',
  [IMAGE_STATE.importFailed]: 'failed',
  [IMAGE_STATE.creating]: 'busy',
  [IMAGE_STATE.syncing]: 'busy',
  [IMAGE_STATE.importing]: 'busy'
}

export function phaseOf(state: string | undefined): Phase {
  return PHASES[state ?? ''] ?? 'unknown'
}

export const isReady = (state: string | undefined): boolean => phaseOf(state) === 'ready'
export const isFailed = (state: string | undefined): boolean => phaseOf(state) === 'failed'
/** DeleteImages refuses these (the API reference: CREATING, SYNCING and IMPORTING). */
export const isBusy = (state: string | undefined): boolean => phaseOf(state) === 'busy'

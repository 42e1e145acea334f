// The whole contract between the main step and the post step, both sides in one place: every
// state key, what it holds, how it is written and how it is read back. Only the run record
// writes; only the post step reads. The runner hands each key's last value to the post step.
import * as core from '@actions/core'
import type { Claim } from '../image/ownership.ts'
import type { RegionClaim } from '../publish/copy.ts'

export const State = {
  /** Set by the main step: the same bundle then knows it runs as the post step. */
  IsPost: 'isPost',
  Outcome: 'outcome',
  /** JSON ImageHandoff: the image of the run, once its id is known. */
  Image: 'image',
  /** JSON Claim: a CreateImage whose answer has not come; empty once settled. */
  PendingCreate: 'pending-create',
  /** JSON ImageRef[]: copies this run made in other regions. */
  Copies: 'copies',
  /** JSON RegionClaim[]: regions of a SyncImages whose answer has not come; empty once settled. */
  PendingCopies: 'pending-copies'
} as const

export type State = (typeof State)[keyof typeof State]

export type OutcomeKind = 'ready' | 'created' | 'dry-run' | 'failed' | 'cancelled'

export interface ImageRef {
  region: string
  imageId: string
}

export interface ImageHandoff extends ImageRef {
  /** False for an image adopted by if-exists: reuse, which this run did not make. */
  made: boolean
}

export interface Handoff {
  outcome?: OutcomeKind
  image?: ImageHandoff
  pendingCreate?: Claim
  copies: ImageRef[]
  pendingCopies: RegionClaim[]
}

const OUTCOMES: readonly string[] = ['ready', 'created', 'dry-run', 'failed', 'cancelled']

/** The write side, for the run record alone. */
export const save = {
  mainStep: (): void => core.saveState(State.IsPost, 'true'),
  outcome: (outcome: OutcomeKind): void => core.saveState(State.Outcome, outcome),
  image: (image: ImageHandoff): void => core.saveState(State.Image, JSON.stringify(image)),
  pendingCreate: (claim: Claim | undefined): void =>
    core.saveState(State.PendingCreate, claim ? JSON.stringify(claim) : ''),
  copies: (copies: ImageRef[]): void => core.saveState(State.Copies, JSON.stringify(copies)),
  pendingCopies: (claims: RegionClaim[]): void =>
    core.saveState(State.PendingCopies, claims.length ? JSON.stringify(claims) : '')
}

export type ReadState = (name: State) => string

export function isPostStep(read: ReadState = core.getState): boolean {
  return read(State.IsPost) === 'true'
}

/** The read side, for the post step: anything missing or malformed reads as nothing. */
export function readHandoff(read: ReadState = core.getState): Handoff {
  const outcome = read(State.Outcome)
  const image = parse<ImageHandoff>(read(State.Image))
  const pendingCreate = parse<Claim>(read(State.PendingCreate))
  const copies = parse<ImageRef[]>(read(State.Copies))
  const pendingCopies = parse<RegionClaim[]>(read(State.PendingCopies))
  return {
    ...(OUTCOMES.includes(outcome) && { outcome: outcome as OutcomeKind }),
    ...(isRef(image) && { image: { ...image, made: image.made === true } }),
    ...(isClaim(pendingCreate) && { pendingCreate }),
    copies: Array.isArray(copies) ? copies.filter(isRef) : [],
    pendingCopies: Array.isArray(pendingCopies)
      ? pendingCopies.filter(c => typeof c?.region === 'string' && isClaim(c.claim))
      : []
  }
}

function parse<T>(text: string): T | undefined {
  if (!text) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined
  }
}

function isRef(value: unknown): value is ImageRef {
  const ref = value as ImageRef | undefined
  return typeof ref?.region === 'string' && typeof ref.imageId === 'string' && ref.imageId !== ''
}

function isClaim(value: unknown): value is Claim {
  const claim = value as Claim | undefined
  return (
    typeof claim?.name === 'string' &&
    typeof claim.notBefore === 'number' &&
    Array.isArray(claim.preexisting) &&
    claim.preexisting.every(id => typeof id === 'string') &&
    Array.isArray(claim.tags) &&
    claim.tags.every(tag => typeof tag?.Key === 'string' && typeof tag.Value === 'string')
  )
}

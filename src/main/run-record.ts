// The run record: the one writer of the step's outputs and of the state handed to the post step,
// and the one holder of what the job summary reports. Stages tell it what happened as it happens
// (a send leaving, an id arriving, a state seen); the outcome is decided once, by end(), and
// nothing after that (the summary, an annotation) can change it.
import * as core from '@actions/core'
import type { Image } from 'tencentcloud-sdk-nodejs-cvm/tencentcloud/services/cvm/v20170312/cvm_models.js'
import type { SendWatch } from '../image/create.ts'
import type { Claim } from '../image/ownership.ts'
import type { CopyWatch, RegionClaim } from '../publish/copy.ts'
import { imagesOutput, madeCopies, newPublished, type Published } from '../publish/published.ts'
import type { Clock } from '../runner/clock.ts'
import type { Explained } from '../runner/failure.ts'
import { Phases, newTally, type PhaseTime, type Tally } from '../runner/progress.ts'
import { save, type OutcomeKind } from './handoff.ts'
import type { Config } from './inputs.ts'

/** The outputs action.yml declares. */
export const Output = {
  ImageId: 'image-id',
  ImageState: 'image-state',
  RequestId: 'request-id',
  Images: 'images'
} as const

export type RunOutcome =
  /** The image (and every copy and share) is ready. */
  | { kind: 'ready' }
  /** wait: false: CreateImage answered; the image is on its way. */
  | { kind: 'created' }
  | { kind: 'dry-run'; message: string }
  | { kind: 'failed'; failure: Explained }
  | { kind: 'cancelled'; failure: Explained }

/** How the run came by its image. */
export type Provenance = 'created' | 'adopted' | 'reused'

export interface RunImage {
  id: string
  how: Provenance
  /** The last state seen. */
  state: string
  details?: Image
}

/** What the job summary and the closing log lines read. */
export interface RunFacts {
  outcome: RunOutcome
  config: Config
  image?: RunImage
  requestId: string
  replaced?: string
  elapsedMs: number
  published: Published
  /** Create, wait, copy, share: those that ran, with their times. */
  phases: PhaseTime[]
  tally: Tally
}

/** First thing in the main step: the post step, which runs the same bundle, knows itself by it. */
export function markMainStep(): void {
  save.mainStep()
}

/** The images output of a step that never got as far as a record: bad input. */
export function recordInvalidInput(): void {
  core.setOutput(Output.Images, '{}')
}

export class RunRecord implements SendWatch {
  readonly published: Published
  readonly phases: Phases
  /** Polls and retries of the whole step, for its closing line. */
  readonly tally: Tally = newTally()
  private readonly config: Config
  private readonly clock: Clock
  private readonly startedAt: number
  private image: RunImage | undefined
  private requestId = ''
  private replaced: string | undefined
  private pendingCreate: Claim | undefined
  private createSent = false
  private pendingCopies: RegionClaim[] = []
  private ended: { outcome: RunOutcome; elapsedMs: number } | undefined

  constructor(config: Config, clock: Clock, startedAt: number) {
    this.config = config
    this.clock = clock
    this.startedAt = startedAt
    this.phases = new Phases(clock)
    this.published = newPublished(config.region, config.publish.regions, config.publish.accountIds)
  }

  // --- CreateImage (SendWatch) ---

  sending(claim: Claim): void {
    this.createSent = true
    if (this.pendingCreate) return
    this.pendingCreate = claim
    save.pendingCreate(claim)
  }

  settled(): void {
    if (!this.pendingCreate) return
    this.pendingCreate = undefined
    save.pendingCreate(undefined)
  }

  /** Whether CreateImage was ever sent: a step stopped before it made nothing. */
  get sentCreate(): boolean {
    return this.createSent
  }

  answered(requestId: string): void {
    this.requestId = requestId
    core.setOutput(Output.RequestId, requestId)
  }

  replacedImage(imageId: string): void {
    this.replaced = imageId
  }

  /** Saved the moment the id is known, so a step stopped mid-wait still hands it on. */
  imageKnown(id: string, how: Provenance, state: string, details?: Image): void {
    this.image = { id, how, state, ...(details && { details }) }
    // The claim is resolved: this is the image its send made.
    if (how === 'adopted') this.settled()
    save.image({ region: this.config.region, imageId: id, made: how !== 'reused' })
    core.setOutput(Output.ImageId, id)
    core.setOutput(Output.ImageState, state)
    this.writeImages()
  }

  /** The last state seen of the image; set as it goes, so a failed wait still reports it. */
  stateSeen(state: string, details?: Image): void {
    if (!this.image) return
    this.image.state = state
    if (details) this.image.details = details
    core.setOutput(Output.ImageState, state)
  }

  get imageState(): string | undefined {
    return this.image?.state
  }

  get imageId(): string | undefined {
    return this.image?.id
  }

  /** The image's family as last seen, when it was seen. */
  get imageFamily(): string | undefined {
    return this.image?.details?.ImageFamily
  }

  get imageWasMade(): boolean {
    return this.image !== undefined && this.image.how !== 'reused'
  }

  sourceReady(): void {
    this.published.sourceElapsedMs = this.clock.now() - this.startedAt
  }

  // --- SyncImages ---

  readonly copyWatch: CopyWatch = {
    sending: claims => {
      this.pendingCopies = claims
      save.pendingCopies(claims)
    },
    settled: () => {
      this.pendingCopies = []
      save.pendingCopies([])
    },
    known: () => {
      save.copies(madeCopies(this.published))
      const unnamed = this.pendingCopies.filter(
        c => !this.published.copies.some(copy => copy.region === c.region && copy.imageId)
      )
      if (unnamed.length !== this.pendingCopies.length) this.copyWatch.sending(unnamed)
      this.writeImages()
    }
  }

  // --- The end ---

  /** Decides the outcome, once: later calls change nothing. */
  end(outcome: RunOutcome): RunFacts {
    if (!this.ended) {
      this.ended = { outcome, elapsedMs: this.clock.now() - this.startedAt }
      save.outcome(outcome.kind satisfies OutcomeKind)
      if (outcome.kind === 'dry-run') {
        core.setOutput(Output.ImageId, '')
        core.setOutput(Output.ImageState, '')
      }
      this.writeImages()
    }
    return this.facts()
  }

  get outcome(): RunOutcome | undefined {
    return this.ended?.outcome
  }

  facts(): RunFacts {
    return {
      outcome: this.ended?.outcome ?? {
        kind: 'failed',
        failure: { title: 'Unfinished', message: 'The run has not ended.' }
      },
      config: this.config,
      ...(this.image && { image: { ...this.image } }),
      requestId: this.requestId,
      ...(this.replaced && { replaced: this.replaced }),
      elapsedMs: this.ended?.elapsedMs ?? this.clock.now() - this.startedAt,
      published: this.published,
      phases: [...this.phases.times],
      tally: { ...this.tally }
    }
  }

  private writeImages(): void {
    core.setOutput(Output.Images, JSON.stringify(imagesOutput(this.published, this.image?.id)))
  }
}

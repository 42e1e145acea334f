import { describe, expect, it } from '@jest/globals'
import { newClaim } from '../../src/image/ownership.ts'
import { State, isPostStep, readHandoff, type ReadState } from '../../src/main/handoff.ts'

/** A post step's view of the state the main step left: missing keys read as ''. */
function stateOf(values: Partial<Record<State, string>>): ReadState {
  return name => values[name] ?? ''
}

const claim = newClaim(
  'app',
  1_700_000_000_000,
  [{ ImageId: 'img-before01' }],
  [{ Key: 'github:run-attempt', Value: '2' }]
)

describe('readHandoff', () => {
  it('reads missing state as nothing', () => {
    expect(readHandoff(stateOf({}))).toEqual({ copies: [], pendingCopies: [] })
    expect(isPostStep(stateOf({}))).toBe(false)
  })

  it('reads what the main step saved', () => {
    const handoff = readHandoff(
      stateOf({
        [State.Outcome]: 'failed',
        [State.Image]: JSON.stringify({ region: 'ap-guangzhou', imageId: 'img-1', made: true }),
        [State.PendingCreate]: JSON.stringify(claim),
        [State.Copies]: JSON.stringify([{ region: 'ap-shanghai', imageId: 'img-2' }]),
        [State.PendingCopies]: JSON.stringify([{ region: 'ap-beijing', claim }])
      })
    )
    expect(handoff).toEqual({
      outcome: 'failed',
      image: { region: 'ap-guangzhou', imageId: 'img-1', made: true },
      pendingCreate: claim,
      copies: [{ region: 'ap-shanghai', imageId: 'img-2' }],
      pendingCopies: [{ region: 'ap-beijing', claim }]
    })
    expect(isPostStep(stateOf({ [State.IsPost]: 'true' }))).toBe(true)
  })

  it('reads malformed state as nothing', () => {
    const handoff = readHandoff(
      stateOf({
        [State.IsPost]: 'yes',
        [State.Outcome]: 'exploded',
        [State.Image]: '{"region": "ap-guangzhou", "imageId": ',
        [State.PendingCreate]: JSON.stringify({ name: 'app', notBefore: 'soon' }),
        [State.Copies]: JSON.stringify({ region: 'ap-shanghai', imageId: 'img-2' }),
        [State.PendingCopies]: 'null'
      })
    )
    expect(handoff).toEqual({ copies: [], pendingCopies: [] })
    expect(isPostStep(stateOf({ [State.IsPost]: 'yes' }))).toBe(false)
  })

  it('keeps the well-formed entries of a list and drops the others', () => {
    const handoff = readHandoff(
      stateOf({
        [State.Copies]: JSON.stringify([
          { region: 'ap-shanghai', imageId: 'img-2' },
          { region: 'ap-beijing', imageId: '' },
          { region: 'ap-chengdu' },
          null,
          'img-3'
        ]),
        [State.PendingCopies]: JSON.stringify([
          { region: 'ap-beijing', claim },
          { region: 'ap-chengdu', claim: { name: 'app' } },
          { claim },
          null
        ])
      })
    )
    expect(handoff.copies).toEqual([{ region: 'ap-shanghai', imageId: 'img-2' }])
    expect(handoff.pendingCopies).toEqual([{ region: 'ap-beijing', claim }])
  })

  it('reads an image without a made flag as one this run did not make', () => {
    const handoff = readHandoff(
      stateOf({ [State.Image]: JSON.stringify({ region: 'ap-guangzhou', imageId: 'img-1' }) })
    )
    expect(handoff.image).toEqual({ region: 'ap-guangzhou', imageId: 'img-1', made: false })
    expect(
      readHandoff(stateOf({ [State.Image]: JSON.stringify({ region: 'ap-guangzhou' }) })).image
    ).toBeUndefined()
  })
})

// Copies carry the source's tags and image family, through dist/index.js: SyncImages gives
// neither, so the copies the run made are tagged through the Tag service (under the account STS
// names) and put in the family with ModifyImageAttribute. The cleanup action then finds them by
// tags in every region.
import { describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { runAction, type ActionRun } from '../../harness/index.ts'
import {
  SEED,
  TEST_CREDENTIALS,
  baseInputs,
  calls,
  copyEndpoints,
  emulatorFixture,
  errorAnnotations,
  runImageAction
} from './support.ts'

const start = emulatorFixture()
const COPIES = ['ap-shanghai', 'ap-beijing']

function images(run: ActionRun): Record<string, string> {
  return JSON.parse(run.outputs.images ?? 'null') as Record<string, string>
}

function copyInputs(emu: Emulator, more: Record<string, string> = {}): Record<string, string> {
  return {
    ...baseInputs(emu),
    ...copyEndpoints(emu),
    'copy-to-regions': COPIES.join(', '),
    tags: 'app=web, team=infra, tier=frontend, owner=release, cost-centre=42, stage=prod',
    'image-family': 'app-base',
    ...more
  }
}

const sorted = (tags: { Key: string; Value: string }[]) =>
  [...tags].sort((a, b) => a.Key.localeCompare(b.Key))

/** The job summary's "Tags and family" cell of a region's row. */
function labelCell(run: ActionRun, region: string): string | undefined {
  const row = new RegExp(`<tr><td>${region}( \\(source\\))?</td>(.*?)</tr>`).exec(run.summary)
  const cells = [...(row?.[2] ?? '').matchAll(/<td>(.*?)<\/td>/g)].map(m => m[1])
  return cells[3]
}

describe('copies carry the tags and the family of the source', () => {
  it('tags every copy with the user and provenance tags, at most 10 a call, and sets the family', async () => {
    const emu = await start({ syncMs: 300 })
    const run = await runImageAction(copyInputs(emu))
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    const out = images(run)
    const source = emu.state.getImage(out[SEED.region]!)!
    // Six of the user's and the provenance tags: more than one call's worth.
    expect(source.Tags.length).toBeGreaterThan(10)
    expect(source.Tags).toContainEqual({ Key: 'github:repository', Value: expect.any(String) })
    for (const region of COPIES) {
      const copy = emu.state.getImage(out[region]!)!
      expect(sorted(copy.Tags)).toEqual(sorted(source.Tags))
      expect(copy.ImageFamily).toBe('app-base')
    }

    // One account lookup for every region, by the keys' own account.
    expect(calls(emu, 'GetCallerIdentity')).toHaveLength(1)
    const tagCalls = calls(emu, 'TagResources')
    expect(tagCalls).toHaveLength(2)
    for (const call of tagCalls) {
      expect(call.outcome).toBe('ok')
      expect(call.params.ResourceList).toEqual(
        COPIES.map(region => `qcs::cvm:${region}:uin/${SEED.accountId}:image/${out[region]}`)
      )
      expect((call.params.Tags as unknown[]).length).toBeLessThanOrEqual(10)
    }
    // Tagged once each copy is NORMAL and the source is free again, before anything else.
    const lastPoll = calls(emu, 'DescribeImages').at(-1)!
    expect(tagCalls.every(c => c.seq > lastPoll.seq)).toBe(true)
    expect(
      calls(emu, 'ModifyImageAttribute').map(c => [
        c.region,
        c.params.ImageId,
        c.params.ImageFamily
      ])
    ).toEqual(COPIES.map(region => [region, out[region], 'app-base']))
    expect(run.summary).toContain('<th>Tags and family</th>')
    for (const region of [SEED.region, ...COPIES]) {
      expect(labelCell(run, region)).toBe(`${source.Tags.length} tags, family app-base`)
    }
  })

  it('tags the copies that became ready when another region fails, so cleanup by tags finds them', async () => {
    const emu = await start({ syncMs: 300, failSyncRegions: ['ap-beijing'] })
    const run = await runImageAction(copyInputs(emu))
    expect(run.exitCode).toBe(1)
    expect(errorAnnotations(run)[0]!.title).toBe('Image copy failed')
    const out = images(run)
    const source = emu.state.getImage(out[SEED.region]!)!
    const ready = emu.state.getImage(out['ap-shanghai']!)!
    expect(ready.ImageState).toBe('NORMAL')
    expect(sorted(ready.Tags)).toEqual(sorted(source.Tags))
    expect(ready.ImageFamily).toBe('app-base')
    // The failed copy is left as it is: only ready copies are tagged.
    const failed = emu.state.getImage(out['ap-beijing']!)!
    expect(failed.ImageState).toBe('CREATEFAILED')
    expect(failed.Tags).toEqual([])
    expect(calls(emu, 'TagResources').map(c => c.params.ResourceList)).toEqual([
      [`qcs::cvm:ap-shanghai:uin/${SEED.accountId}:image/${out['ap-shanghai']}`],
      [`qcs::cvm:ap-shanghai:uin/${SEED.accountId}:image/${out['ap-shanghai']}`]
    ])
    expect(run.stdout).toContain(`Tagged ap-shanghai ${out['ap-shanghai']}`)
    expect(labelCell(run, 'ap-shanghai')).toBe(`${source.Tags.length} tags, family app-base`)
    expect(labelCell(run, 'ap-beijing')).toBe('not tagged, no family')
  })

  it('the cleanup action selecting by tags finds the copy in each region', async () => {
    const emu = await start({ syncMs: 300 })
    const run = await runImageAction(copyInputs(emu, { 'image-family': '' }))
    expect(run.exitCode).toBe(0)
    const out = images(run)
    for (const region of [SEED.region, ...COPIES]) {
      const cleanup = await runAction({
        actionDir: 'cleanup',
        timeoutMs: 60_000,
        inputs: {
          region,
          endpoint: emu.url,
          'secret-id': TEST_CREDENTIALS.secretId,
          'secret-key': TEST_CREDENTIALS.secretKey,
          tags: 'app=web, team=infra'
        }
      })
      expect(errorAnnotations(cleanup)).toEqual([])
      expect(JSON.parse(cleanup.outputs['deleted-image-ids'] ?? 'null')).toEqual([out[region]])
      expect(emu.state.getImage(out[region]!)).toBeUndefined()
    }
  })

  it('a role chained from another account tags the copies under the role account', async () => {
    const elsewhere = { secretId: 'AKIDelsewhere000000000000000000001', secretKey: 'e'.repeat(32) }
    const roleArn = `qcs::cam::uin/${SEED.accountId}:roleName/image-baker`
    const emu = await start({
      syncMs: 300,
      credentials: [{ ...elsewhere, accountId: SEED.otherAccountIds[0] }],
      sts: { roles: [{ roleArn }] }
    })
    const run = await runImageAction(
      copyInputs(emu, {
        'secret-id': elsewhere.secretId,
        'secret-key': elsewhere.secretKey,
        'role-arn': roleArn
      })
    )
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    const out = images(run)
    for (const region of COPIES) {
      expect(emu.state.getImage(out[region]!)!.Tags).toContainEqual({ Key: 'app', Value: 'web' })
    }
    expect(calls(emu, 'TagResources').flatMap(c => c.params.ResourceList as string[])).toContain(
      `qcs::cvm:ap-shanghai:uin/${SEED.accountId}:image/${out['ap-shanghai']}`
    )
  })

  it('leaves a reused copy as it is, and asks STS nothing when nothing is to be tagged', async () => {
    const emu = await start({ syncMs: 300 })
    const earlier = emu.state.addImage({
      name: 'app-1.0.0',
      region: 'ap-shanghai',
      tags: [{ Key: 'made-by', Value: 'someone-else' }]
    })
    const run = await runImageAction(
      copyInputs(emu, { 'copy-to-regions': 'ap-shanghai', 'if-exists': 'reuse' })
    )
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(images(run)['ap-shanghai']).toBe(earlier.ImageId)
    expect(emu.state.getImage(earlier.ImageId)!.Tags).toEqual([
      { Key: 'made-by', Value: 'someone-else' }
    ])
    expect(emu.state.getImage(earlier.ImageId)!.ImageFamily).toBe('')
    expect(calls(emu, 'GetCallerIdentity')).toEqual([])
    expect(calls(emu, 'TagResources')).toEqual([])
    expect(calls(emu, 'ModifyImageAttribute')).toEqual([])
  })

  it('resends a TagResources whose answer was lost', async () => {
    const emu = await start({ syncMs: 300 })
    emu.faults.add({ action: 'TagResources', drop: 'after' })
    const run = await runImageAction(copyInputs(emu, { tags: 'app=web' }))
    expect(errorAnnotations(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'TagResources').map(c => c.outcome)).toEqual(['dropped', 'ok'])
    const copy = emu.state.getImage(images(run)['ap-shanghai']!)!
    expect(copy.Tags).toContainEqual({ Key: 'app', Value: 'web' })
  })

  it('a copy that cannot be tagged fails the step naming it and its code; cleanup-on-failure deletes the copies', async () => {
    const emu = await start({ syncMs: 300 })
    emu.faults.add({
      action: 'TagResources',
      code: 'AuthFailure.UnauthorizedOperation',
      message: 'You are not authorized to tag:TagResources.'
    })
    const run = await runImageAction(
      copyInputs(emu, {
        'cleanup-on-failure': 'true',
        'share-with-accounts': SEED.otherAccountIds[0]!
      })
    )
    expect(run.exitCode).toBe(1)
    const out = images(run)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe('TagResources failed: AuthFailure.UnauthorizedOperation')
    expect(annotation!.message).toContain(
      `Tagging the copies ap-shanghai ${out['ap-shanghai']}, ap-beijing ${out['ap-beijing']} failed`
    )
    expect(annotation!.message).toMatch(/AuthFailure\.UnauthorizedOperation: .*RequestId: /)
    expect(annotation!.message).toContain('tag:TagResources')
    expect(annotation!.message).toContain('Nothing was shared.')
    expect(calls(emu, 'ModifyImageSharePermission')).toEqual([])
    for (const region of COPIES) expect(labelCell(run, region)).toBe('not tagged, no family')
    expect(run.post?.exitCode).toBe(0)
    for (const id of Object.values(out)) expect(emu.state.getImage(id)).toBeUndefined()
  })

  it('a copy that cannot join the family fails the step naming its region, id and code', async () => {
    const emu = await start({ syncMs: 300 })
    emu.faults.add({
      action: 'ModifyImageAttribute',
      region: 'ap-beijing',
      code: 'InvalidParameterValue.InvalidImageFamily',
      message: 'The image family is not valid.'
    })
    const run = await runImageAction(copyInputs(emu))
    expect(run.exitCode).toBe(1)
    const out = images(run)
    const [annotation] = errorAnnotations(run)
    expect(annotation!.title).toBe(
      'ModifyImageAttribute failed: InvalidParameterValue.InvalidImageFamily'
    )
    expect(annotation!.message).toContain(
      `ap-beijing: putting copy ${out['ap-beijing']} in the image family 'app-base' failed`
    )
    expect(emu.state.getImage(out['ap-shanghai']!)!.ImageFamily).toBe('app-base')
  })
})

describe('inputs for tagging the copies', () => {
  it('refuses sts-endpoint without role-arn or copy-to-regions, and a bad tag-endpoint, before any call', async () => {
    const emu = await start()
    const stray = await runImageAction({ ...baseInputs(emu), 'sts-endpoint': emu.url })
    expect(stray.exitCode).toBe(1)
    expect(errorAnnotations(stray)[0]!.message).toContain(
      "Input 'sts-endpoint': only goes with role-arn or copy-to-regions"
    )
    const bad = await runImageAction(copyInputs(emu, { 'tag-endpoint': 'ftp://tag.example.com' }))
    expect(bad.exitCode).toBe(1)
    expect(errorAnnotations(bad)[0]!.message).toContain("Input 'tag-endpoint': must use http://")
    expect(emu.calls).toEqual([])
  })
})

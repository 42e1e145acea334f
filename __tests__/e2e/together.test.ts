// Features that meet: cleanup-on-failure with copies in other regions, and keyless sign-in in the
// post step and in the cleanup action.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { Emulator } from '../../emulator/index.ts'
import { runAction } from '../../harness/index.ts'
import { startOidcServer, type OidcServer } from '../../harness/oidc.ts'
import {
  SEED,
  baseInputs,
  calls,
  copyEndpoints,
  emulator,
  expectNoSecrets,
  runImageAction
} from './support.ts'

const PROVIDER_ID = 'github-actions'
const ROLE_ARN = `qcs::cam::uin/${SEED.accountId}:roleName/image-baker`

let emu: Emulator | undefined
let oidc: OidcServer | undefined

afterEach(async () => {
  await emu?.close()
  await oidc?.close()
  emu = oidc = undefined
})

async function keylessEmulator(): Promise<{ emu: Emulator; oidc: OidcServer }> {
  oidc = await startOidcServer()
  emu = await emulator({
    sts: {
      providers: [
        {
          providerId: PROVIDER_ID,
          issuer: oidc.issuer,
          clientIds: ['sts.tencentcloudapi.com'],
          publicKeyPem: oidc.publicKeyPem
        }
      ],
      roles: [{ roleArn: ROLE_ARN, providerId: PROVIDER_ID }]
    }
  })
  return { emu, oidc }
}

function keyless(e: Emulator): Record<string, string> {
  return {
    region: SEED.region,
    endpoint: e.url,
    'sts-endpoint': e.url,
    'role-arn': ROLE_ARN,
    'oidc-provider-id': PROVIDER_ID
  }
}

function secretsOf(e: Emulator, o: OidcServer): string[] {
  return [
    ...o.issued.map(t => t.token),
    ...e.issuedCredentials().flatMap(c => [c.secretId, c.secretKey, c.token])
  ]
}

describe('cleanup-on-failure with copy-to-regions', () => {
  it('deletes the image and every copy it made when a copy fails', async () => {
    emu = await emulator({ syncMs: 300, failSyncRegions: ['ap-beijing'] })
    const e = emu
    const run = await runImageAction({
      ...baseInputs(e),
      ...copyEndpoints(e),
      'copy-to-regions': 'ap-shanghai, ap-beijing',
      'cleanup-on-failure': 'true'
    })
    expect(run.exitCode).toBe(1)
    const images = JSON.parse(run.outputs['images']!) as Record<string, string>
    expect(Object.keys(images).sort()).toEqual(['ap-beijing', 'ap-guangzhou', 'ap-shanghai'])
    expect(run.stdout).toContain('the post step deletes')
    expect(run.stdout).toContain('and the copies it made')

    expect(run.post?.exitCode).toBe(0)
    const deletes = calls(e, 'DeleteImages').map(c => [c.region, c.params.ImageIds, c.outcome])
    expect(deletes).toHaveLength(3)
    expect(deletes).toEqual(
      expect.arrayContaining([
        ['ap-guangzhou', [images['ap-guangzhou']], 'ok'],
        ['ap-shanghai', [images['ap-shanghai']], 'ok'],
        ['ap-beijing', [images['ap-beijing']], 'ok']
      ])
    )
    for (const id of Object.values(images)) expect(e.state.getImage(id)).toBeUndefined()
  })

  it('keeps every copy when the run succeeds', async () => {
    emu = await emulator({ syncMs: 300 })
    const run = await runImageAction({
      ...baseInputs(emu),
      ...copyEndpoints(emu),
      'copy-to-regions': 'ap-shanghai',
      'cleanup-on-failure': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(calls(emu, 'DeleteImages')).toHaveLength(0)
    const images = JSON.parse(run.outputs['images']!) as Record<string, string>
    for (const id of Object.values(images))
      expect(emu.state.getImage(id)?.ImageState).toBe('NORMAL')
  })
})

describe('keyless sign-in beyond the main step', () => {
  it('the post step assumes the role again to delete a failed image', async () => {
    const { emu: e, oidc: o } = await keylessEmulator()
    const run = await runImageAction(
      {
        ...keyless(e),
        'image-name': 'keyless-fail',
        'instance-id': SEED.instances.failCreate,
        'cleanup-on-failure': 'true',
        'poll-interval-seconds': '0.2'
      },
      { env: o.env() }
    )
    expect(run.exitCode).toBe(1)
    expect(run.post?.exitCode).toBe(0)
    expect(calls(e, 'AssumeRoleWithWebIdentity')).toHaveLength(2)
    const [deletion] = calls(e, 'DeleteImages')
    expect(deletion).toMatchObject({ outcome: 'ok' })
    expect(deletion!.token).toBeTruthy()
    expect(e.state.getImage(run.outputs['image-id']!)).toBeUndefined()
    expectNoSecrets(run, secretsOf(e, o))
  })

  it('the cleanup action signs in with OIDC', async () => {
    const { emu: e, oidc: o } = await keylessEmulator()
    const doomed = e.state.addImage({ name: 'pr-7', region: SEED.region }).ImageId
    const kept = e.state.addImage({ name: 'pr-77', region: SEED.region }).ImageId
    const run = await runAction({
      actionDir: 'cleanup',
      timeoutMs: 60_000,
      inputs: { ...keyless(e), 'image-name': 'pr-7' },
      env: o.env()
    })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs['deleted-image-ids']!)).toEqual([doomed])
    expect(e.state.getImage(kept)).toBeDefined()
    expect(calls(e, 'AssumeRoleWithWebIdentity')).toHaveLength(1)
    expect(
      calls(e)
        .filter(c => c.service === 'cvm')
        .every(c => Boolean(c.token))
    ).toBe(true)
    expectNoSecrets(run, secretsOf(e, o))
  })
})

describe('re-runs with copy-to-regions', () => {
  const copying = (e: Emulator, more: Record<string, string> = {}) => ({
    ...baseInputs(e, 'app-2.0.0'),
    ...copyEndpoints(e),
    'copy-to-regions': 'ap-shanghai',
    'share-with-accounts': SEED.otherAccountIds[0],
    ...more
  })

  it('if-exists: reuse takes the earlier image and its copy as they are', async () => {
    emu = await emulator({ syncMs: 300 })
    const e = emu
    const first = await runImageAction(copying(e))
    expect(first.exitCode).toBe(0)
    const before = e.calls.length

    const again = await runImageAction(copying(e, { 'if-exists': 'reuse' }))
    expect(again.exitCode).toBe(0)
    expect(again.outputs['images']).toBe(first.outputs['images'])
    const actions = e.calls.slice(before).map(c => c.action)
    expect(actions).not.toContain('CreateImage')
    expect(actions).not.toContain('SyncImages')
    expect(actions).not.toContain('DeleteImages')
    expect(again.stdout).toContain('ap-shanghai: reusing')
    const images = JSON.parse(again.outputs['images']!) as Record<string, string>
    for (const id of Object.values(images)) {
      expect(e.state.getImage(id)?.sharedWith.has(SEED.otherAccountIds[0])).toBe(true)
    }
  })

  it('if-exists: replace deletes the earlier image and its copy, then makes both anew', async () => {
    emu = await emulator({ syncMs: 300 })
    const e = emu
    const first = await runImageAction(copying(e))
    expect(first.exitCode).toBe(0)
    const old = JSON.parse(first.outputs['images']!) as Record<string, string>

    const again = await runImageAction(copying(e, { 'if-exists': 'replace' }))
    expect(again.exitCode).toBe(0)
    const now = JSON.parse(again.outputs['images']!) as Record<string, string>
    for (const region of ['ap-guangzhou', 'ap-shanghai']) {
      expect(now[region]).toMatch(/^img-/)
      expect(now[region]).not.toBe(old[region])
      expect(e.state.getImage(old[region]!)).toBeUndefined()
      expect(e.state.getImage(now[region]!)?.ImageState).toBe('NORMAL')
    }
    expect(
      calls(e, 'DeleteImages')
        .map(c => c.region)
        .sort()
    ).toEqual(['ap-guangzhou', 'ap-shanghai'])
  })

  it('with the default if-exists, an earlier copy makes SyncImages refuse, naming the region', async () => {
    emu = await emulator({ syncMs: 300 })
    const e = emu
    expect((await runImageAction(copying(e))).exitCode).toBe(0)
    // The source was deleted by hand; its copy in ap-shanghai was not.
    const source = e.state.images(SEED.region).find(i => i.ImageName === 'app-2.0.0')!
    e.state.deleteImage(source.ImageId)
    const again = await runImageAction(copying(e))
    expect(again.exitCode).toBe(1)
    expect(calls(e, 'SyncImages').at(-1)?.code).toBe('InvalidImageName.Duplicate')
    expect(again.annotations.find(a => a.level === 'error')?.message).toMatch(/ap-shanghai/)
  })

  it('if-exists: replace fails clearly on an earlier copy that stays SYNCING, deleting it not', async () => {
    emu = await emulator({ createMs: 200 })
    const e = emu
    const busy = e.state.addImage({ name: 'app-2.0.0', region: 'ap-shanghai', state: 'SYNCING' })
    const run = await runImageAction(
      copying(e, {
        'if-exists': 'replace',
        'wait-timeout-seconds': '4',
        'poll-interval-seconds': '0.5'
      })
    )
    expect(run.exitCode).toBe(1)
    const error = run.annotations.find(a => a.level === 'error')!
    expect(error.title).toBe('Cannot replace a copy yet')
    expect(error.message).toMatch(
      new RegExp(
        `^ap-shanghai: image ${busy.ImageId} \\('app-2\\.0\\.0'\\) is still SYNCING after [\\d.]+s`
      )
    )
    expect(calls(e, 'DeleteImages')).toHaveLength(0)
    expect(calls(e, 'SyncImages')).toHaveLength(0)
    expect(e.state.getImage(busy.ImageId)?.ImageState).toBe('SYNCING')
  })
})

describe('a reused image whose later stages fail', () => {
  it('keeps image-state, and cleanup-on-failure deletes only the copies this run made', async () => {
    emu = await emulator({ syncMs: 300, failSyncRegions: ['ap-beijing'] })
    const e = emu
    const run = await runImageAction({
      ...baseInputs(e, 'app-base-2025'),
      'if-exists': 'reuse',
      ...copyEndpoints(e),
      'copy-to-regions': 'ap-beijing',
      'cleanup-on-failure': 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['image-id']).toBe(SEED.images.own)
    expect(run.outputs['image-state']).toBe('NORMAL')
    const copy = (JSON.parse(run.outputs['images']!) as Record<string, string>)['ap-beijing']!
    expect(copy).toMatch(/^img-/)
    expect(run.post?.exitCode).toBe(0)
    expect(calls(e, 'DeleteImages').map(c => [c.region, c.params.ImageIds])).toEqual([
      ['ap-beijing', [copy]]
    ])
    expect(e.state.getImage(SEED.images.own)?.ImageState).toBe('NORMAL')
  })
})

describe('a lost CreateImage answer never claims another run’s image', () => {
  it('fails with the duplicate name instead of adopting a recent image that was already there', async () => {
    emu = await emulator()
    const e = emu
    // Another run made this name two minutes ago; our first CreateImage never reaches the API.
    const theirs = e.state.addImage({
      name: 'app-1.0.0',
      region: SEED.region,
      createdTime: new Date(Date.now() - 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    }).ImageId
    e.faults.add({ action: 'CreateImage', drop: 'before', times: 1 })
    const run = await runImageAction({ ...baseInputs(e), 'cleanup-on-failure': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['image-id']).toBeUndefined()
    expect(run.annotations.find(a => a.level === 'error')?.message).toMatch(
      /InvalidImageName\.Duplicate/
    )
    expect(run.stdout).not.toContain('adopting')
    expect(calls(e, 'DeleteImages')).toHaveLength(0)
    expect(e.state.getImage(theirs)?.ImageState).toBe('NORMAL')
  })

  it('cleanup-on-failure finds the image of a request whose answer was lost before a cancel', async () => {
    emu = await emulator()
    const e = emu
    const before = new Set(e.state.images(SEED.region).map(i => i.ImageId))
    // The look-ups are slow, the CreateImage answer is lost after the image is made, and the run is
    // cancelled while it looks for that image: it never learns the id.
    e.faults.add({ action: 'DescribeImages', latencyMs: 3_000, times: 2 })
    e.faults.add({ action: 'CreateImage', drop: 'after', times: 1 })
    const run = await runImageAction(
      { ...baseInputs(e), 'cleanup-on-failure': 'true' },
      { cancelAfterMs: 4_500 }
    )
    expect(run.cancelled).toBe(true)
    expect(run.outputs['image-id']).toBeUndefined()
    expect(calls(e, 'CreateImage')).toHaveLength(1)
    const [orphan] = calls(e, 'DeleteImages').map(c => (c.params.ImageIds as string[])[0])
    expect(orphan).toBeDefined()
    expect(before.has(orphan!)).toBe(false)
    expect(run.post?.stdout).toContain(
      `Image ${orphan} was made by a CreateImage whose answer never arrived`
    )
    expect(run.post?.exitCode).toBe(0)
    expect(e.state.images(SEED.region).filter(i => !before.has(i.ImageId))).toEqual([])
  })
})

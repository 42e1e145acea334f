import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../../harness/index.ts'
import { decodeJwt, startOidcServer, verifyJwt, type OidcServer } from '../../harness/oidc.ts'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

describe('fake OIDC token endpoint with @actions/core', () => {
  let server: OidcServer
  const saved = { ...process.env }

  beforeAll(async () => {
    server = await startOidcServer({ environment: 'production' })
    Object.assign(process.env, server.env())
    // getIDToken prints ::add-mask:: and ::debug:: lines; keep them out of the test log.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = server.requestToken
  })
  afterAll(async () => {
    jest.restoreAllMocks()
    process.env = saved
    await server.close()
  })

  it('hands out a URL with a query, as the runner does', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*\?api-version=2\.0$/)
  })

  it('issues a verifiable RS256 token with GitHub claims', async () => {
    const core = await import('@actions/core')
    const token = await core.getIDToken('sts.tencentcloudapi.com')
    const claims = verifyJwt(token, server.publicKeyPem)
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.tencentcloudapi.com',
      sub: 'repo:octo-org/octo-repo:environment:production',
      repository: 'octo-org/octo-repo',
      repository_owner: 'octo-org',
      environment: 'production',
      ref: 'refs/heads/main'
    })
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(300)
    expect(decodeJwt(token).header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: server.kid })
    expect(server.issued.at(-1)?.token).toBe(token)
  })

  it('defaults the audience to the owner URL', async () => {
    const core = await import('@actions/core')
    const claims = decodeJwt(await core.getIDToken()).payload
    expect(claims['aud']).toBe('https://github.com/octo-org')
  })

  it('rejects a wrong request token with 401', async () => {
    const core = await import('@actions/core')
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = 'wrong'
    await expect(core.getIDToken('aud')).rejects.toThrow(/Error Code : 401/)
  })

  it('fails the next requests on demand', async () => {
    const core = await import('@actions/core')
    server.failNext(500)
    await expect(core.getIDToken('aud')).rejects.toThrow(/Error Code : 500/)
    // 503 is one of the codes @actions/http-client retries, so two failures are absorbed.
    const before = server.requests
    server.failNext(503, 2)
    await expect(core.getIDToken('aud')).resolves.toMatch(/^ey/)
    expect(server.requests - before).toBe(3)
  })
})

describe('an action asking the harness runner for an ID token', () => {
  it('gets one for the pull_request subject and masks it', async () => {
    const server = await startOidcServer({ eventName: 'pull_request', lifetimeSeconds: 60 })
    try {
      const run = await runAction({
        actionDir: path.join(fixtures, 'oidc-client'),
        env: server.env()
      })
      expect(run.outcome).toBe('success')
      const token = run.outputs['token'] ?? ''
      expect(run.masks).toContain(token)
      const claims = verifyJwt(token, server.publicKeyPem)
      expect(claims).toMatchObject({
        aud: 'sts.tencentcloudapi.com',
        sub: 'repo:octo-org/octo-repo:pull_request'
      })
      expect(Number(claims['exp']) - Number(claims['iat'])).toBe(60)
    } finally {
      await server.close()
    }
  })

  it('fails the step when the workflow lacks id-token permission', async () => {
    const run = await runAction({ actionDir: path.join(fixtures, 'oidc-client') })
    expect(run.outcome).toBe('failure')
    expect(run.annotations[0]?.message).toMatch(/ACTIONS_ID_TOKEN_REQUEST_URL/)
  })
})

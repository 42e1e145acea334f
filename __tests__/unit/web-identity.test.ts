import { describe, expect, it } from '@jest/globals'
import type { WebIdentityPlan } from '../../src/credentials/plan.ts'
import { roleChainFetcher } from '../../src/credentials/role-chain.ts'
import type { StsClient, StsCredentialsAnswer } from '../../src/credentials/sts.ts'
import { tokenFacts } from '../../src/credentials/token-claims.ts'
import { checkIdTokenAvailable, webIdentityFetcher } from '../../src/credentials/web-identity.ts'
import { ActionFailure } from '../../src/runner/failure.ts'
import { ApiCallError } from '../../src/tencent/errors.ts'
import type { RetryContext } from '../../src/tencent/retry.ts'
import { fakeClock, sdkError } from '../../__fixtures__/fakes.ts'

const plan: WebIdentityPlan = {
  source: 'oidc',
  providerId: 'github',
  audience: 'sts.tencentcloudapi.com',
  role: {
    roleArn: 'qcs::cam::uin/100000000001:roleName/image-baker',
    sessionName: 'octo-org-octo-repo-42-1',
    durationSeconds: 3600,
    stsEndpoint: { host: 'sts.tencentcloudapi.com', protocol: 'https://' }
  }
}

const ANSWER: StsCredentialsAnswer = {
  Credentials: { TmpSecretId: 'AKIDtmp', TmpSecretKey: 'tmpkey', Token: 'tmptoken' },
  ExpiredTime: 1_700_003_600,
  RequestId: 'req-1'
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJl`
}

const ID_TOKEN = jwt({
  aud: 'sts.tencentcloudapi.com',
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main'
})

function retry(): RetryContext {
  const clock = fakeClock()
  return { clock, random: () => 0.5, deadline: clock.now() + 60_000 }
}

function fakeSts(...answers: (StsCredentialsAnswer | Error)[]) {
  const sent: { action: string; params: Record<string, unknown> }[] = []
  const sts: StsClient = {
    call: async (action, params) => {
      sent.push({ action, params })
      const answer = answers[Math.min(sent.length - 1, answers.length - 1)]!
      if (answer instanceof Error) throw answer
      return answer
    }
  }
  return { sts, sent }
}

describe('checkIdTokenAvailable', () => {
  it('says which permission is missing and that forks never get a token', () => {
    expect(() => checkIdTokenAvailable({})).toThrow(ActionFailure)
    expect(() => checkIdTokenAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' })).toThrow(
      /permissions: id-token: write.*forks never get a token/
    )
    expect(() =>
      checkIdTokenAvailable({
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
      })
    ).not.toThrow()
  })
})

describe('webIdentityFetcher', () => {
  it('trades a token for the audience at STS and masks the token and the keys', async () => {
    const { sts, sent } = fakeSts(ANSWER)
    const masked: string[] = []
    const audiences: string[] = []
    const fetch = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async audience => (audiences.push(audience), ID_TOKEN),
      sts,
      retry: retry(),
      mask: s => masked.push(s)
    })
    expect(await fetch()).toEqual({
      secretId: 'AKIDtmp',
      secretKey: 'tmpkey',
      token: 'tmptoken',
      expiresAt: 1_700_003_600_000
    })
    expect(audiences).toEqual(['sts.tencentcloudapi.com'])
    expect(sent).toEqual([
      {
        action: 'AssumeRoleWithWebIdentity',
        params: {
          ProviderId: 'github',
          WebIdentityToken: ID_TOKEN,
          RoleArn: plan.role.roleArn,
          RoleSessionName: 'octo-org-octo-repo-42-1',
          DurationSeconds: 3600
        }
      }
    ])
    expect(masked).toEqual([ID_TOKEN, 'AKIDtmp', 'tmpkey', 'tmptoken'])
  })

  it('retries a throttled STS call', async () => {
    const { sts, sent } = fakeSts(sdkError({ code: 'RequestLimitExceeded' }), ANSWER)
    const fetch = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async () => ID_TOKEN,
      sts,
      retry: retry(),
      mask: () => undefined
    })
    await expect(fetch()).resolves.toMatchObject({ secretId: 'AKIDtmp' })
    expect(sent).toHaveLength(2)
  })

  it("adds the token's aud and sub to a refusal, and not to other errors", async () => {
    const refused = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async () => ID_TOKEN,
      sts: fakeSts(sdkError({ code: 'UnauthorizedOperation', requestId: 'r-9', message: 'no' }))
        .sts,
      retry: retry(),
      mask: () => undefined
    })
    const error = (await refused().catch(e => e)) as ApiCallError
    expect(error).toBeInstanceOf(ApiCallError)
    expect(error.message).toMatch(/oidc:sub condition/)
    expect(error.message).toContain(
      "aud 'sts.tencentcloudapi.com' and sub 'repo:octo-org/octo-repo:ref:refs/heads/main'"
    )
    expect(error.message).toContain('RequestId: r-9')

    const missingRole = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async () => ID_TOKEN,
      sts: fakeSts(sdkError({ code: 'InternalError.GetRoleError' })).sts,
      retry: retry(),
      mask: () => undefined
    })
    const other = (await missingRole().catch(e => e)) as ApiCallError
    expect(other.message).toMatch(/Check role-arn/)
    expect(other.message).not.toContain('sub ')
  })

  it('explains a token the runner would not give', async () => {
    const fetch = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async () => {
        throw new Error('Error message: Failed to get ID Token. \n Error Code : 500')
      },
      sts: fakeSts(ANSWER).sts,
      retry: retry(),
      mask: () => undefined
    })
    await expect(fetch()).rejects.toThrow(
      /Could not get a GitHub ID token for audience 'sts.tencentcloudapi.com': Error message: Failed to get ID Token\. Error Code : 500\./
    )
  })

  it('refuses an answer without keys instead of failing later on CVM', async () => {
    const fetch = webIdentityFetcher(plan, {
      env: {},
      getIdToken: async () => ID_TOKEN,
      sts: fakeSts({ Credentials: { TmpSecretId: 'x' }, RequestId: 'r-1' }).sts,
      retry: retry(),
      mask: () => undefined
    })
    await expect(fetch()).rejects.toThrow(/answered without temporary keys.*r-1/)
  })
})

describe('roleChainFetcher', () => {
  it('assumes the role with a signed call and explains a refusal as AssumeRole', async () => {
    const { sts, sent } = fakeSts(sdkError({ code: 'UnauthorizedOperation' }))
    const fetch = roleChainFetcher(
      {
        source: 'role-chain',
        role: plan.role,
        keys: { secretId: 'a', secretKey: 'b', source: 'inputs' }
      },
      { sts, retry: retry(), mask: () => undefined }
    )
    await expect(fetch()).rejects.toThrow(/AssumeRole failed: These keys may not assume the role/)
    expect(sent[0]).toEqual({
      action: 'AssumeRole',
      params: {
        RoleArn: plan.role.roleArn,
        RoleSessionName: plan.role.sessionName,
        DurationSeconds: 3600
      }
    })
  })
})

describe('tokenFacts', () => {
  it('reads aud and sub and never throws', () => {
    expect(tokenFacts(ID_TOKEN)).toEqual({
      aud: 'sts.tencentcloudapi.com',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main'
    })
    expect(tokenFacts(jwt({ aud: ['a', 'b'] }))).toEqual({ aud: 'a, b' })
    expect(tokenFacts('not-a-jwt')).toEqual({})
    expect(tokenFacts('a.!!!.c')).toEqual({})
  })
})

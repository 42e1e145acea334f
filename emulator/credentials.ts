// The keys the emulator accepts: long-term key pairs, and temporary ones that STS issues.
import { newMixedCase, randomChars } from './ids.ts'
import type { Credentials } from './types.ts'

export interface TemporaryCredentials {
  secretId: string
  secretKey: string
  token: string
  accountId: string
  /** The account that asked STS for these keys: another one's for a role chained across accounts. */
  principalAccountId: string
  roleArn: string
  sessionName: string
  expiresAtMs: number
}

export type ResolvedKey =
  | { kind: 'long-term'; secretId: string; secretKey: string; accountId: string }
  | ({ kind: 'temporary' } & TemporaryCredentials)

export class KeyStore {
  private readonly longTerm = new Map<string, { secretKey: string; accountId: string }>()
  private readonly temporary = new Map<string, TemporaryCredentials>()
  private readonly defaultAccountId: string

  constructor(keys: Credentials[], defaultAccountId: string) {
    this.defaultAccountId = defaultAccountId
    for (const key of keys) this.addKey(key)
  }

  addKey(key: Credentials): void {
    this.longTerm.set(key.secretId, {
      secretKey: key.secretKey,
      accountId: key.accountId ?? this.defaultAccountId
    })
  }

  resolve(secretId: string): ResolvedKey | undefined {
    const longTerm = this.longTerm.get(secretId)
    if (longTerm) return { kind: 'long-term', secretId, ...longTerm }
    const temporary = this.temporary.get(secretId)
    if (temporary) return { kind: 'temporary', ...temporary }
    return undefined
  }

  /** Every temporary key set STS has handed out, oldest first. */
  issued(): TemporaryCredentials[] {
    return [...this.temporary.values()]
  }

  /** Real temporary SecretIds also start with AKID but are longer than long-term ones. */
  issueTemporary(
    session: {
      accountId: string
      principalAccountId: string
      roleArn: string
      sessionName: string
    },
    expiresAtMs: number
  ): TemporaryCredentials {
    const credentials: TemporaryCredentials = {
      secretId: `AKID${newMixedCase(68)}`,
      secretKey: newMixedCase(44),
      token: `${newMixedCase(32)}${randomChars(180)}`,
      ...session,
      expiresAtMs
    }
    this.temporary.set(credentials.secretId, credentials)
    return credentials
  }
}

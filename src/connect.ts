// Credential masking shared by both actions (main and cleanup), which take the same credential
// inputs: every secret is registered before anything is logged.
import * as core from '@actions/core'
import type { Env } from './inputs.ts'

const SECRET_INPUTS = ['secret-id', 'secret-key', 'session-token'] as const
const SECRET_ENV = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_SESSION_TOKEN'
]

export function maskCredentials(raw: Partial<Record<string, string>>, env: Env): void {
  for (const name of SECRET_INPUTS) if (raw[name]) core.setSecret(raw[name]!)
  for (const name of SECRET_ENV) if (env[name]) core.setSecret(env[name]!.trim())
}

// Every credential the step knows, masked for the runner's log and also cut out of the messages
// the action writes itself: an API error may quote a SecretId, and the job summary is not masked
// the way the log is.
import * as core from '@actions/core'

const known = new Set<string>()

export function maskSecret(value: string): void {
  if (value === '') return
  core.setSecret(value)
  known.add(value)
}

export function redactSecrets(text: string): string {
  let out = text
  // Longest first, so a secret that contains another is cut whole.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***')
  }
  return out
}

// `npm run demo`: the built dist/index.js, run as the GitHub runner runs it, against the emulator.
// Shows the action's log live, then its outputs and job summary.
import { SEED, TEST_CREDENTIALS, startEmulator } from '../emulator/index.ts'
import { runAction } from '../harness/index.ts'
import { PROGRESS_ENV } from '../src/runner/progress.ts'

/** The job summary is HTML for GitHub's page; a terminal reads it better as lines. */
function summaryAsText(html: string): string {
  return html
    .replace(/<\/t[dh]><t[dh]>/g, ': ')
    .replace(/<\/tr>|<\/h\d>|<\/li>|<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .map(line => `  ${line}`)
    .join('\n')
}

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

const emu = await startEmulator({ createMs: 4_000 })
const inputs = {
  region: SEED.region,
  endpoint: emu.url,
  'secret-id': TEST_CREDENTIALS.secretId,
  'secret-key': TEST_CREDENTIALS.secretKey,
  'instance-id': SEED.instances.running,
  'data-disk-ids': SEED.disks.runningData[0],
  'image-name': `demo-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`,
  'image-description': 'Baked by npm run demo',
  tags: 'app=demo\nrelease=v1.0.0',
  'poll-interval-seconds': '1'
}

console.log(bold(`Tencent Cloud API emulator at ${emu.url}`))
console.log(bold('Running dist/index.js with:'))
for (const [name, value] of Object.entries(inputs)) {
  console.log(`  ${name}: ${name === 'secret-key' ? '***' : value.replace(/\n/g, ', ')}`)
}
console.log(bold('\n--- action log ---'))

try {
  // The runner's environment holds none of this shell's; the progress interval is passed on.
  const progress = process.env[PROGRESS_ENV]
  const run = await runAction({
    inputs,
    env: progress ? { [PROGRESS_ENV]: progress } : {},
    onOutput: chunk => process.stdout.write(chunk.replace(/^::add-mask::.*$/gm, '::add-mask::***'))
  })
  console.log(bold('\n--- outputs ---'))
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name}: ${value}`)
  console.log(bold('\n--- job summary ---'))
  console.log(summaryAsText(run.summary))
  console.log(bold('\n--- API calls the emulator received ---'))
  const counts = new Map<string, number>()
  for (const call of emu.calls) counts.set(call.action, (counts.get(call.action) ?? 0) + 1)
  for (const [action, n] of counts) console.log(`  ${action}: ${n}`)
  console.log(
    bold(
      `\nStep ${run.outcome} (exit code ${run.exitCode}) in ${(run.durationMs / 1000).toFixed(1)}s`
    )
  )
  process.exitCode = run.exitCode ?? 1
} finally {
  await emu.close()
}

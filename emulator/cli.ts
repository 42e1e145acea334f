// `npm run emulator -- --port 8080`: the emulator as a standalone server for people and benchmarks.
import { parseArgs } from 'node:util'
import { SEED, startEmulator, TEST_CREDENTIALS } from './index.ts'

const USAGE = `Usage: npm run emulator -- [--port N] [--host H] [--create-ms MS] [--sync-ms MS] [--quiet]

  --port       port to listen on (default 8080; 0 picks a free one)
  --host       address to bind (default 127.0.0.1)
  --create-ms  how long a new image stays CREATING (default 1500)
  --sync-ms    how long a SyncImages copy stays SYNCING (default 1500)
  --quiet      no log line per request`

function numberFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) {
    console.error(`--${name} must be a whole number, not '${value}'\n\n${USAGE}`)
    process.exit(2)
  }
  return parsed
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'create-ms': { type: 'string' },
    'sync-ms': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
  }
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const port = numberFlag(values.port, 'port') ?? 8080
const host = values.host ?? '127.0.0.1'
const emu = await startEmulator({
  port,
  host,
  createMs: numberFlag(values['create-ms'], 'create-ms'),
  syncMs: numberFlag(values['sync-ms'], 'sync-ms'),
  logger: values.quiet ? undefined : line => console.log(line)
}).catch((error: unknown) => {
  // A taken or forbidden port is a person's choice to make again, not a crash: no stack trace.
  const code = (error as { code?: unknown }).code
  if (code === 'EADDRINUSE') {
    console.error(
      `Port ${port} on ${host} is already taken (an emulator from before still running?). Pick another with --port N, or --port 0 for a free one.`
    )
    process.exit(1)
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    console.error(
      `Cannot listen on ${host}:${port} (${code}). Pick another port with --port N (above 1023), or another address with --host.`
    )
    process.exit(1)
  }
  throw error
})

console.log(`Tencent Cloud API emulator (CVM 2017-03-12, STS 2018-08-13) at ${emu.url}

Accepted test credentials:
  secret-id:  ${TEST_CREDENTIALS.secretId}
  secret-key: ${TEST_CREDENTIALS.secretKey}

Action inputs (a workflow's with: block):
  region: ${SEED.region}
  endpoint: ${emu.url}
  secret-id: ${TEST_CREDENTIALS.secretId}
  secret-key: ${TEST_CREDENTIALS.secretKey}
  instance-id: ${SEED.instances.running}
  image-name: demo-image-1

The same as environment, to run dist/index.js by hand (input names keep their '-'):
  env INPUT_REGION=${SEED.region} INPUT_ENDPOINT=${emu.url} \\
    'INPUT_SECRET-ID=${TEST_CREDENTIALS.secretId}' 'INPUT_SECRET-KEY=${TEST_CREDENTIALS.secretKey}' \\
    'INPUT_INSTANCE-ID=${SEED.instances.running}' 'INPUT_IMAGE-NAME=demo-image-1' node dist/index.js
  or give the keys as TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.

SDK client: new cvm.v20170312.Client({ credential, region: '${SEED.region}',
  profile: { httpProfile: { endpoint: '${emu.endpoint}', protocol: 'http://' } } })

Seeded instances: ${Object.entries(SEED.instances)
  .map(([role, id]) => `${id} (${role})`)
  .join(', ')}
Process ${process.pid}: stop it with Ctrl+C or \`kill ${process.pid}\`.
`)

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  console.log(`\n${signal}: stopping after ${emu.calls.length} request(s).`)
  await emu.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))

// `npm run bench`: start-up and size, polling economy and parallel runs, printed and written to
// BENCHMARKS.md. `npm run bench -- --smoke` runs every part with tiny samples (a test does).
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { findBundles } from './bundles.ts'
import { writeNotes } from './notes.ts'
import {
  COPY_POLLING_DEFAULTS,
  checkCopyPolling,
  copyPollingSection,
  runCopyPolling,
  type CopyPollingOptions
} from './copy-polling.ts'
import { checkMatrices, runMatrices, type MatrixOptions } from './matrix.ts'
import { runParallel, type ParallelOptions } from './parallel.ts'
import { POLLING_DEFAULTS, runPolling, type PollingOptions } from './polling.ts'
import {
  matrixSection,
  parallelSection,
  pollingSection,
  renderMarkdown,
  startupSection,
  table
} from './report.ts'
import { measureStartup, type StartupOptions } from './startup.ts'
import { checkParallel, checkPolling, checkStartup } from './targets.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORK = path.join(ROOT, 'bench/.work')

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' }
  }
})
if (values.help) {
  console.log(`Usage: npm run bench -- [--smoke] [--out FILE]

  --smoke  every part with tiny samples, to check the benchmark works (figures mean nothing)
  --out    where to write the report (default BENCHMARKS.md; with --smoke, bench/.work/BENCHMARKS.smoke.md)`)
  process.exit(0)
}
const smoke = values.smoke
const out = path.resolve(
  values.out ?? (smoke ? path.join(WORK, 'BENCHMARKS.smoke.md') : path.join(ROOT, 'BENCHMARKS.md'))
)

const bundles = findBundles(ROOT)
if (bundles.length === 0) {
  console.error('No dist/index.js: run `npm run package` first.')
  process.exit(1)
}
const startupOptions: StartupOptions = {
  root: ROOT,
  workDir: WORK,
  bundles,
  rounds: smoke ? 2 : 40,
  rssRuns: smoke ? 1 : 5,
  createMs: smoke ? 300 : 4_000
}
const pollingOptions: PollingOptions = smoke
  ? { ...POLLING_DEFAULTS, trials: 200 }
  : POLLING_DEFAULTS
const parallelOptions: ParallelOptions = smoke
  ? { processes: 3, rounds: 1, createMs: 300, timeoutMs: 60_000 }
  : { processes: 50, rounds: 3, createMs: 5_000, timeoutMs: 120_000 }

const copyPollingOptions: CopyPollingOptions = smoke
  ? { ...COPY_POLLING_DEFAULTS, trials: 50 }
  : COPY_POLLING_DEFAULTS

const matrixOptions: MatrixOptions = smoke
  ? { sizes: [12], seeds: 1, startSpreadsMs: [5_000] }
  : { sizes: [50, 100, 256], seeds: 5, startSpreadsMs: [10_000, 30_000] }

mkdirSync(WORK, { recursive: true })
const startedAt = new Date()
const loadAverage = os.loadavg()
const clock = performance.now()
const step = (what: string) =>
  console.log(`\n[${((performance.now() - clock) / 1000).toFixed(0)} s] ${what}`)

step(`Start-up and size: ${bundles.map(b => b.name).join(', ')}, ${startupOptions.rounds} rounds`)
const startup = await measureStartup(startupOptions)
console.log(startupSection(startup))

step(`Polling economy: ${pollingOptions.trials} trials per case`)
const pollingCases = runPolling(pollingOptions)
console.log(pollingSection(pollingOptions, pollingCases))

step(`Parallel runs: ${parallelOptions.rounds} x ${parallelOptions.processes} processes`)
const parallel = await runParallel(parallelOptions)
console.log(parallelSection(parallel))

step(`Simulated matrices: ${matrixOptions.sizes.join(', ')} jobs, ${matrixOptions.seeds} seeds`)
const matrices = await runMatrices(matrixOptions)
console.log(matrixSection(matrices))

step(`Copy polling: ${copyPollingOptions.trials} trials per case`)
const copyCases = runCopyPolling(copyPollingOptions)
console.log(copyPollingSection(copyPollingOptions, copyCases))

const checks = [
  ...checkStartup(startup),
  ...checkPolling(pollingCases),
  ...checkParallel(parallel),
  ...checkMatrices(matrices),
  ...checkCopyPolling(copyCases)
]
const base = {
  startedAt,
  durationMs: performance.now() - clock,
  smoke,
  loadAverage,
  startup,
  polling: { options: pollingOptions, cases: pollingCases },
  parallel,
  matrices,
  copies: { options: copyPollingOptions, cases: copyCases },
  checks
}
const results = { ...base, notes: writeNotes(base) }
writeFileSync(out, renderMarkdown(results))

step('Targets')
console.log(
  table(
    ['Target', 'Measured', 'Met'],
    checks.map(c => [c.target, c.measured, c.met ? 'yes' : 'MISSED'])
  )
)
console.log(
  `\nWrote ${path.relative(process.cwd(), out) || out} in ${(results.durationMs / 1000).toFixed(0)} s.`
)

// BENCHMARKS.md: the machine, every figure as min / median / max, the targets, and notes.
import os from 'node:os'
import { copyPollingSection, type CopyCase, type CopyPollingOptions } from './copy-polling.ts'
import { VARIANTS, type MatrixReport } from './matrix.ts'
import type { ParallelReport } from './parallel.ts'
import { WAITERS, creationLabel, type PollingCase, type PollingOptions } from './polling.ts'
import { SIM_DEFAULTS } from './sim-runners.ts'
import type { StartupReport } from './startup.ts'
import type { Spread } from './stats.ts'
import type { TargetCheck } from './targets.ts'

export interface BenchResults {
  startedAt: Date
  durationMs: number
  smoke: boolean
  loadAverage: number[]
  startup: StartupReport
  polling: { options: PollingOptions; cases: PollingCase[] }
  parallel: ParallelReport
  matrices: MatrixReport
  copies: { options: CopyPollingOptions; cases: CopyCase[] }
  checks: TargetCheck[]
  notes: string[]
}

type Row = (string | number)[]

export function table(head: string[], rows: Row[]): string {
  const line = (cells: Row) => `| ${cells.map(String).join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-')
const sec = (v: number) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : '-')
const mb = (v: number) => (Number.isFinite(v) ? (v / 1e6).toFixed(2) : '-')
const three = (s: Spread, f: (v: number) => string) => [f(s.min), f(s.median), f(s.max)]

export function machine(): string {
  const cpus = os.cpus()
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}`
}

export function startupSection(r: StartupReport): string {
  const ratios = r.bundles.map(b => [`${b.name} / floor`, ...three(b.ratio, v => v.toFixed(2))])
  return [
    '## 1. Start-up and size',
    '',
    `Wall time from spawn to exit of \`node <bundle>\` on ${process.version}, the way the runner starts it (inputs as \`INPUT_*\`, file commands in a temp folder). Runs are interleaved, one of each per round in rotating order, after one unmeasured warm-up round. The floor is \`bench/floor/index.ts\` (imports \`@actions/core\`, sets one output), built as \`${r.floorBuild}\`. The dry run sends one signed CreateImage to the emulator (rate limits off, so nothing is retried).`,
    '',
    table(
      ['Run', 'What', 'min ms', 'median ms', 'max ms', 'runs', 'unexpected exits'],
      r.timings.map(t => [t.name, t.what, ...three(t.wallMs, ms), t.wallMs.n, t.failures])
    ),
    '',
    'Ratio to the floor, per round (the target is on the median):',
    '',
    table(['Ratio', 'min', 'median', 'max'], ratios),
    '',
    'JavaScript node loads per entry (`.js`, `.cjs`; source maps and licences not counted), and the Tencent Cloud service clients inside (`super("<service>.tencentcloudapi.com", "<version>")`):',
    '',
    table(
      ['Bundle', 'JavaScript MB', 'files', 'service clients', 'other Tencent Cloud hosts named'],
      [
        ...r.bundles.map(b => [
          b.name,
          mb(b.weight.jsBytes),
          b.weight.files.map(f => `${f.name} ${mb(f.bytes)}`).join(', '),
          b.services.clients.map(c => `${c.service} ${c.version}`).join(', ') || 'none',
          b.services.hosts.join(', ') || 'none'
        ]),
        [
          'floor',
          mb(r.floorWeight.jsBytes),
          r.floorWeight.files.map(f => `${f.name} ${mb(f.bytes)}`).join(', '),
          'none',
          'none'
        ]
      ]
    ),
    '',
    `Peak resident memory (getrusage maxRSS, read at exit by a preloaded probe) of ${r.rss.name} creating an image and waiting until it is NORMAL, default inputs (${r.rss.polls.median} DescribeImages polls per run); the floor alongside. MB = 10^6 bytes.`,
    '',
    table(
      ['Run', 'min MB', 'median MB', 'max MB', 'runs', 'failed runs'],
      [
        [`${r.rss.name} create and wait`, ...three(r.rss.bytes, mb), r.rss.bytes.n, r.rss.failures],
        ['floor', ...three(r.rss.floorBytes, mb), r.rss.floorBytes.n, 0]
      ]
    )
  ].join('\n')
}

export function pollingSection(options: PollingOptions, cases: PollingCase[]): string {
  const parts = [
    '## 2. Polling economy',
    '',
    `One simulation runs every schedule: each polls until its first poll at or after the moment the image turns NORMAL; the detection delay is from that moment to that poll, the calls are the DescribeImages polls made. Ours is \`pollDelay(defaultSchedule(...))\` from \`src/schedule.ts\`, the code the action runs, with its random jitter. Real creation times vary, so each of ${options.trials.toLocaleString('en-US')} trials per case draws the creation time uniformly within ±${options.spreadFraction * 100}% of the nominal one (the same draws for every waiter; seed ${options.seed}). Targets are judged on the mean, the figure that adds up over many runs as runner minutes and API budget; medians of small whole call counts tie too often to tell schedules apart.`,
    '',
    table(
      ['Waiter', 'Schedule'],
      WAITERS.map(w => [w.name, w.rule])
    )
  ]
  for (const creationMs of [...new Set(cases.map(c => c.creationMs))]) {
    parts.push(
      '',
      `**Image ready after ${creationLabel(creationMs)}**`,
      '',
      table(
        [
          'Waiter',
          'delay min s',
          'median s',
          'mean s',
          'max s',
          'calls min',
          'median',
          'mean',
          'max'
        ],
        cases
          .filter(c => c.creationMs === creationMs)
          .map(c => [
            c.waiter,
            ...three(c.delayMs, sec).slice(0, 2),
            sec(c.delayMs.mean),
            sec(c.delayMs.max),
            c.calls.min,
            c.calls.median,
            c.calls.mean.toFixed(2),
            c.calls.max
          ])
      )
    )
  }
  return parts.join('\n')
}

export function parallelSection(r: ParallelReport): string {
  const { options } = r
  return [
    '## 3. Parallel runs',
    '',
    `${options.processes} processes of \`dist/index.js\` started together through the runner harness, per round, against one emulator with the documented rate limits (CreateImage 10/s, DescribeImages 40/s per account), one account, images ready ${options.createMs / 1000} s after CreateImage, default poll schedule; each process limited to ${options.timeoutMs / 1000} s. Each round runs twice, in alternating order: with \`create-slot: ''\` (no turns), and as the jobs of one matrix (the \`strategy\` context gives each process its place, which the default \`create-slot\` reads). Time to finish is each process's own wall time, spawn to exit; on this 2-core machine the ${options.processes} processes also compete for the CPU.`,
    '',
    table(
      [
        'Round',
        'Variant',
        'succeeded',
        'duplicate images',
        'API calls',
        'CreateImage',
        'DescribeImages',
        'throttled',
        'p50 s',
        'p95 s',
        'max s',
        'round s'
      ],
      r.rounds.map((round, i) => [
        Math.floor(i / 2) + 1,
        round.variant,
        `${round.succeeded}/${round.processes}`,
        round.duplicateImages,
        round.calls,
        round.createImageCalls,
        round.describeImagesCalls,
        Object.entries(round.throttledByAction)
          .map(([action, n]) => `${n} ${action}`)
          .join(', ') || '0',
        sec(round.p50Ms),
        sec(round.p95Ms),
        sec(round.maxMs),
        sec(round.wallMs)
      ])
    ),
    '',
    table(
      ['Across rounds', 'Variant', 'min', 'median', 'max'],
      r.summaries.flatMap(v => [
        ['API calls', v.variant, ...three(v.calls, ms)],
        ['throttled calls', v.variant, ...three(v.throttled, ms)],
        ['p50 time to finish, s', v.variant, ...three(v.p50Ms, sec)],
        ['p95 time to finish, s', v.variant, ...three(v.p95Ms, sec)]
      ])
    ),
    ...r.rounds.flatMap((round, i) =>
      round.failures.length
        ? [
            '',
            `Round ${Math.floor(i / 2) + 1} (${round.variant}) failures:`,
            ...round.failures.map(f => `- ${f}`)
          ]
        : []
    )
  ].join('\n')
}

export function renderMarkdown(results: BenchResults): string {
  const missed = results.checks.filter(c => !c.met)
  return [
    '# Benchmarks',
    '',
    ...(results.smoke
      ? [
          '_Smoke run: tiny sample sizes, to check that the benchmark works. The figures mean nothing._',
          ''
        ]
      : []),
    `What the action costs, next to what its peers would cost on the same work. Written by \`npm run bench\` (the code is in [bench/](bench/)); a run takes about ${Math.round(results.durationMs / 60_000)} min.`,
    '',
    table(
      ['', ''],
      [
        ['Machine', machine()],
        ['Node', process.version],
        ['Date', results.startedAt.toISOString()],
        [
          'Load average at start',
          `${results.loadAverage.map(v => v.toFixed(2)).join(', ')} (1, 5, 15 min): other work shared the machine, so read medians`
        ],
        ['Run time', `${(results.durationMs / 1000).toFixed(0)} s`]
      ]
    ),
    '',
    '## Targets',
    '',
    table(
      ['Target', 'Measured', 'Met'],
      results.checks.map(c => [c.target, c.measured, c.met ? 'yes' : '**missed**'])
    ),
    '',
    missed.length
      ? `${missed.length} target(s) missed; see the notes at the end.`
      : 'Every target is met.',
    '',
    startupSection(results.startup),
    '',
    pollingSection(results.polling.options, results.polling.cases),
    '',
    parallelSection(results.parallel),
    '',
    matrixSection(results.matrices),
    '',
    copyPollingSection(results.copies.options, results.copies.cases),
    '',
    '## Notes',
    '',
    ...results.notes.map(n => `- ${n}`),
    ''
  ].join('\n')
}

export function matrixSection(r: MatrixReport): string {
  const d = SIM_DEFAULTS
  return [
    '## 4. Simulated matrices',
    '',
    `N jobs of one account, each running the action's own code — the look-up (\`src/image/if-exists.ts\`), the claim, CreateImage (\`src/image/create.ts\`), the wait (\`src/image/wait.ts\`, default schedule), all through \`src/tencent/retry.ts\` — against a model of the emulator: its own \`RateLimiter\` with the documented limits (CreateImage 10/s, DescribeImages 40/s per account), names unique, images NORMAL ${d.createMs / 1000} s after CreateImage. One event clock for all jobs, no real waits. Jobs start at random within ${d.startSpreadMs / 1000} s of each other; each request takes ${d.latencyMs[0]}-${d.latencyMs[1]} ms there and back. ${r.options.seeds} seeds per size; min / median / max across seeds. Time to finish is from the moment the matrix started.`,
    '',
    `One job alone needs ${r.alone.calls} calls and ${sec(r.alone.finishMs)} s. The bound for p95 is when the rate limit lets the CreateImage of the job at p95 in (the ${CREATE_LIMIT_NOTE}), plus what one job alone needs.`,
    '',
    table(
      ['Variant', 'Rule'],
      VARIANTS.map(v => [v.name, v.rule])
    ),
    '',
    table(
      [
        'Jobs',
        'Variant',
        'calls per image',
        'throttled per job',
        'p50 s',
        'p95 s',
        'p95 bound s',
        'failed',
        'duplicates'
      ],
      r.cases.map(c => [
        c.jobs,
        c.variant,
        three(c.callsPerImage, v => v.toFixed(2)).join(' / '),
        three(c.throttledPerJob, v => v.toFixed(2)).join(' / '),
        sec(c.p50Ms.median),
        three(c.p95Ms, sec).join(' / '),
        sec(r.boundMs[c.jobs]!),
        c.failed,
        c.duplicates
      ])
    ),
    ...(r.spreadCases.length
      ? [
          '',
          `When the jobs do not start together (information, not a target): the largest matrix again, its jobs starting at random over a longer span (a runner pool filling up, a plan's limit on concurrent jobs). Turns cost time there, as a job whose turn has passed waits for the next cycle; without turns the jobs are spread already.`,
          '',
          table(
            [
              'Jobs',
              'start spread s',
              'Variant',
              'calls per image',
              'throttled per job',
              'p50 s',
              'p95 s'
            ],
            r.spreadCases.map(c => [
              c.jobs,
              c.startSpreadMs / 1000,
              c.variant,
              three(c.callsPerImage, v => v.toFixed(2)).join(' / '),
              three(c.throttledPerJob, v => v.toFixed(2)).join(' / '),
              sec(c.p50Ms.median),
              three(c.p95Ms, sec).join(' / ')
            ])
          )
        ]
      : [])
  ].join('\n')
}

const CREATE_LIMIT_NOTE = 'k-th CreateImage no sooner than floor((k - 1) / 10) s after the first'

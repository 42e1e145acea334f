// The closing notes of BENCHMARKS.md: for each missed target, why and what would reach it, and
// what the figures show besides. Written from the run's own figures.
import type { MatrixCase, MatrixReport } from './matrix.ts'
import { SIM_DEFAULTS } from './sim-runners.ts'
import type { BenchResults } from './report.ts'
import { creationLabel } from './polling.ts'
import { TARGETS } from './targets.ts'

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`

export function writeNotes(r: Omit<BenchResults, 'notes'>): string[] {
  const notes: string[] = []
  const { startup, polling, parallel } = r
  const time = (name: string) => startup.timings.find(t => t.name === name)?.wallMs.median ?? NaN
  const main = startup.bundles[0]
  if (main) {
    const dry = time(main.name)
    const load = time(`${main.name} (load only)`)
    const floor = time('floor')
    const extraJs = main.weight.jsBytes - startup.floorWeight.jsBytes
    notes.push(
      `Start-up (information, not a target): ${main.name} takes ${main.ratio.median.toFixed(2)}x the floor (median of per-round ratios). Of the ${(dry - floor).toFixed(0)} ms over the floor (medians), about ${(load - floor).toFixed(0)} ms is loading ${mb(extraJs)} more JavaScript than the floor — the CVM client class of \`tencentcloud-sdk-nodejs-cvm\` and the HTTP stack of \`tencentcloud-sdk-nodejs-common\` — and about ${(dry - load).toFixed(0)} ms is building the client, signing and the one request to the emulator. On a job that waits minutes for an image this is noise, and the official SDK is part of the design.`
    )
  }
  const rss = startup.rss
  notes.push(
    rss.bytes.max > TARGETS.rssBytes
      ? `**Memory target missed**: a create-and-wait run peaks at ${mb(rss.bytes.max)}, above ${mb(TARGETS.rssBytes)}; Node and @actions/core alone (the floor) take ${mb(rss.floorBytes.median)}. The rest is the SDK's code and its HTTP stack; the smaller client described above would also bring this down.`
      : `Memory: a create-and-wait run peaks at ${mb(rss.bytes.max)} at most, of which Node and @actions/core alone (the floor) take ${mb(rss.floorBytes.median)}.`
  )
  for (const bundle of startup.bundles) {
    if (bundle.services.unused.length) {
      notes.push(
        `**Unused service clients** in ${bundle.name}: ${bundle.services.unused.join(', ')}. Import only \`tencentcloud-sdk-nodejs-<service>/tencentcloud/services/<service>/index.js\` for the services called, never the SDK's root export.`
      )
    }
    if (bundle.services.hosts.includes('sts')) {
      notes.push(
        `\`sts.tencentcloudapi.com\` in ${bundle.name} is not a service client: it is named by the temporary-credential providers of \`tencentcloud-sdk-nodejs-common\` (STS is also the service OIDC sign-in calls).`
      )
    }
  }

  const find = (creationMs: number, waiter: string) =>
    polling.cases.find(c => c.creationMs === creationMs && c.waiter === waiter)
  const first = polling.options.creationTimesMs[0]!
  const ours = find(first, 'this action')
  const before = find(first, 'previous default')
  const terraform = find(first, 'Terraform')
  const packer = find(first, 'Packer')
  if (ours && before && terraform && packer) {
    notes.push(
      `Polling: the default schedule's first pause is 3 s; it was 2 s. With 2 s the ${creationLabel(first)} case missed both targets (mean delay ${s(before.delayMs.mean)} against Terraform's ${s(terraform.delayMs.mean)}, ${before.calls.mean.toFixed(2)} calls against Packer's ${packer.calls.mean.toFixed(2)}): its first poll, at 1.6-2 s, can only find an image made faster than any real one. From 3 s the polls fall at about 3, 7.5, 14 and 22 s, and then every 6.4-8 s, so this case takes ${s(ours.delayMs.mean)} and ${ours.calls.mean.toFixed(2)} calls, and the longer cases are unchanged in the steady state (mean delay about half the 8 s interval less its jitter).`
    )
  }
  const aws = find(polling.options.creationTimesMs.at(-1)!, 'AWS CLI waiter')
  const oursLong = find(polling.options.creationTimesMs.at(-1)!, 'this action')
  if (aws && oursLong) {
    notes.push(
      `The AWS CLI waiter's 15 s spends the fewest calls on long images (${aws.calls.mean.toFixed(1)} against our ${oursLong.calls.mean.toFixed(1)} for ${creationLabel(polling.options.creationTimesMs.at(-1)!)}) at twice the delay (${s(aws.delayMs.mean)} against ${s(oursLong.delayMs.mean)}); users who would rather save calls than seconds can set poll-interval-seconds to 15 for a similar trade.`
    )
  }
  const missedPolling = r.checks.filter(c => !c.met && /image: /.test(c.target))
  if (missedPolling.length) {
    notes.push(
      `**Polling target missed**: ${missedPolling.map(c => `${c.target} (${c.measured})`).join('; ')}. A first pause of 3 s and an interval of 8 s with a fifth of jitter met every case when the default changed; check what changed in \`src/schedule.ts\`.`
    )
  }

  const n = parallel.options.processes
  const perVariant = parallel.summaries.map(
    v =>
      `${v.variant}: median ${v.calls.median} API calls and ${v.throttled.median} throttled per round, p95 ${(v.p95Ms.median / 1000).toFixed(1)} s`
  )
  notes.push(
    `Parallel runs, side by side (${n} real processes per round): ${perVariant.join('; ')}. Without turns ${n} jobs cannot all create at once under CreateImage's 10/s, so some are throttled and retried; had each job beyond the first 10 been throttled once and then found a free slot, ${Math.max(0, n - 10)}. With turns each process sends in its own 105 ms turn, so what is still throttled comes from a process that woke late for its turn (the CPU is shared by ${n} processes). Section 4 measures the same code on 50 to 256 simulated jobs without the CPU in the way.`
  )
  const failedRounds = parallel.rounds.filter(
    round => round.failures.length || round.duplicateImages
  )
  if (failedRounds.length) {
    notes.push(
      `**Parallel target missed** in ${failedRounds.length} round(s): see the failures listed under the parallel table.`
    )
  }
  notes.push(...matrixNotes(r.matrices))
  const copyFigures = r.copies.options.copyTimesMs.flatMap(copyMs => {
    const before = r.copies.cases.find(c => c.copyMs === copyMs && c.waiter === 'schedule')
    const now = r.copies.cases.find(c => c.copyMs === copyMs && c.waiter === 'SyncPercent')
    return before && now
      ? [
          `${creationLabel(copyMs)}: ${now.calls.mean.toFixed(1)} polls instead of ${before.calls.mean.toFixed(1)}, mean delay ${s(now.delayMs.mean)} instead of ${s(before.delayMs.mean)}`
        ]
      : []
  })
  if (copyFigures.length) {
    notes.push(
      `Copy polling by SyncPercent against the schedule alone, side by side: ${copyFigures.join('; ')}. At 99% a copy can sit a while, and the rate then only says that each point takes as long as the others (18 s for a 30-minute copy): polls there come at most 5 s apart, which keeps a long copy's delay below the schedule's for a few more polls.`
    )
  }
  if (r.smoke) notes.push('This was a smoke run; its figures are not measurements.')
  return notes
}

function matrixNotes(m: MatrixReport): string[] {
  const at = (jobs: number, variant: string) =>
    m.cases.find(c => c.jobs === jobs && c.variant === variant)
  const notes: string[] = []
  const f = (c: MatrixCase) =>
    `${c.callsPerImage.median.toFixed(2)} calls per image, ${c.throttledPerJob.median.toFixed(2)} throttled per job, p95 ${(c.p95Ms.median / 1000).toFixed(1)} s`
  const figures = m.options.sizes
    .map(jobs => {
      const before = at(jobs, 'before')
      const unslotted = at(jobs, "create-slot: ''")
      const now = at(jobs, 'this action')
      if (!before || !unslotted || !now) return ''
      return `${jobs} jobs: before ${f(before)}; with create-slot '' ${f(unslotted)}; now ${f(now)} (bound ${(m.boundMs[jobs]! / 1000).toFixed(1)} s)`
    })
    .filter(Boolean)
  notes.push(
    `Simulated matrices, side by side in this run (medians across seeds): ${figures.join('. ')}. Without turns, no rule inside one job reaches the targets when the jobs start within ${SIM_DEFAULTS.startSpreadMs / 1000} s of each other: DescribeImages' 40/s alone refuses most of the first look-ups before any job can know it is in a crowd. With turns (\`create-slot\`, by default the job's place in its matrix) every job signs in, looks up and creates in its own 105 ms turn of one cycle that all jobs read off the wall clock, so no second holds more than 10 CreateImage calls and 10 look-ups; what is left is one job's own calls. The turns cost time only through their width: 105 ms instead of 100 (a margin for latency and clock skew) and the lead of 1 s before each turn move p95 out by about 0.05 s per 10 jobs plus 1 s, which keeps it within 3 s of the bound up to 256 jobs.`
  )
  const largest = Math.max(...m.options.sizes)
  const spreadFigures = m.spreadCases
    .filter(c => c.variant === 'this action')
    .map(c => {
      const unslotted = m.spreadCases.find(
        x => x.startSpreadMs === c.startSpreadMs && x.variant !== c.variant
      )
      return unslotted
        ? `over ${c.startSpreadMs / 1000} s, with turns ${f(c)}, without ${f(unslotted)}`
        : ''
    })
    .filter(Boolean)
  if (spreadFigures.length) {
    notes.push(
      `Turns when the jobs do not start together (${largest} jobs): ${spreadFigures.join('; ')}. The later the jobs start after each other, the less the turns save and the more time they cost, since a job whose turn has passed waits for the next cycle. A matrix whose jobs run in waves (a plan's limit on concurrent jobs) should set \`strategy.max-parallel\` to what really runs at once, which shortens the cycle, or \`create-slot: ''\`.`
    )
  }
  const missed = m.options.sizes
    .map(jobs => at(jobs, 'this action'))
    .filter(
      (c): c is MatrixCase =>
        c !== undefined &&
        (c.throttledPerJob.median > 0.5 ||
          c.callsPerImage.median > m.alone.calls + 0.5 ||
          c.p95Ms.median > m.boundMs[c.jobs]! + 3_000)
    )
  if (missed.length) {
    notes.push(
      `**Contention targets missed** at ${missed.map(c => `${c.jobs} jobs (${f(c)})`).join(', ')}: the turns of \`src/tencent/create-slot.ts\` met them when they were made; check what changed there or in the simulation's latency.`
    )
  }
  return notes
}

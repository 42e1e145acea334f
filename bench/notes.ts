// The closing notes of BENCHMARKS.md: for each missed target, why and what would reach it, and
// what the figures show besides. Written from the run's own figures.
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
    const verdict =
      main.ratio.median > TARGETS.startupRatio
        ? `**Start-up target missed**: ${main.name} takes ${main.ratio.median.toFixed(2)}x the floor (median of per-round ratios), above ${TARGETS.startupRatio}x.`
        : `Start-up is ${main.ratio.median.toFixed(2)}x the floor (target ${TARGETS.startupRatio}x).`
    notes.push(
      `${verdict} Of the ${(dry - floor).toFixed(0)} ms over the floor (medians), about ${(load - floor).toFixed(0)} ms is loading ${mb(extraJs)} more JavaScript than the floor — the CVM client class of \`tencentcloud-sdk-nodejs-cvm\`, which carries a method for every CVM action, and the HTTP stack of \`tencentcloud-sdk-nodejs-common\` (node-fetch 2, whatwg-url, tslib and others) — and about ${(dry - load).toFixed(0)} ms is building the client, signing and the one request to the emulator. Lazy loading would not help: a dry run needs the client. What would reach ${TARGETS.startupRatio}x is a small client of our own for the two actions the action calls (CreateImage, DescribeImages): TC3-HMAC-SHA256 signing with \`node:crypto\` over Node's built-in \`fetch\`. It would replace most of the ${mb(extraJs)} with a few kB, leaving about the floor, the action's own code and the one request.`
    )
  }
  const rss = startup.rss
  notes.push(
    rss.bytes.max > TARGETS.rssBytes
      ? `**Memory target missed**: a create-and-wait run peaks at ${mb(rss.bytes.max)}, above ${mb(TARGETS.rssBytes)}; Node and @actions/core alone (the floor) take ${mb(rss.floorBytes.median)}. The rest is the SDK's code and its HTTP stack; the smaller client described above would also bring this down.`
      : `Memory: a create-and-wait run peaks at ${mb(rss.bytes.max)} at most, of which Node and @actions/core alone (the floor) take ${mb(rss.floorBytes.median)}.`
  )
  for (const bundle of startup.bundles) {
    if (bundle.weight.jsBytes > TARGETS.bundleJsBytes) {
      notes.push(
        `**Size target missed** for ${bundle.name}: ${mb(bundle.weight.jsBytes)} of JavaScript, above ${mb(TARGETS.bundleJsBytes)}. Most of it is the SDK (see the start-up note); a small client of our own would reach it.`
      )
    }
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

  const throttledCreate = parallel.rounds.map(round => round.throttledByAction['CreateImage'] ?? 0)
  const n = parallel.options.processes
  if (throttledCreate.some(t => t > 0)) {
    notes.push(
      `Parallel runs: ${n} jobs cannot all create at once under CreateImage's 10/s, so some are throttled and retried (${throttledCreate.join(', ')} throttled CreateImage calls per round; had each job beyond the first 10 been throttled once and then found a free slot, ${Math.max(0, n - 10)}). The excess comes from jobs throttled together retrying together: after RequestLimitExceeded a retry waits 1 s plus a random part of up to 1 s, 2 s, 4 s... (src/tencent/retry.ts), so the first retries of 40 refused jobs still share about two windows. A wider random part would lower the count and slow every throttled job; with a fixed 1 s pause (an earlier policy) the count was about 88.`
    )
  }
  const failedRounds = parallel.rounds.filter(
    round => round.failures.length || round.duplicateImages
  )
  if (failedRounds.length) {
    notes.push(
      `**Parallel target missed** in ${failedRounds.length} round(s): see the failures listed under the parallel table.`
    )
  }
  if (r.smoke) notes.push('This was a smoke run; its figures are not measurements.')
  return notes
}

// The targets, checked against a run's figures.
import type { ParallelReport } from './parallel.ts'
import { creationLabel, type PollingCase } from './polling.ts'
import type { StartupReport } from './startup.ts'

/**
 * Start-up and bundle size are information, not targets: some 50 ms on a job of minutes, and the
 * official SDK is part of the design. Memory stays a target: runners are shared.
 */
export const TARGETS = {
  rssBytes: 80_000_000
}

export interface TargetCheck {
  target: string
  measured: string
  met: boolean
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

export function checkStartup(report: StartupReport): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const bundle of report.bundles) {
    checks.push({
      target: `${bundle.name} holds no unused Tencent Cloud service client`,
      measured: bundle.services.unused.length
        ? `unused: ${bundle.services.unused.join(', ')}`
        : `clients: ${bundle.services.clients.map(c => c.service).join(', ') || 'none'}`,
      met: bundle.services.unused.length === 0
    })
  }
  checks.push({
    target: `Peak RSS of a create-and-wait run at most ${mb(TARGETS.rssBytes)} (highest run)`,
    measured: mb(report.rss.bytes.max),
    met: report.rss.bytes.max <= TARGETS.rssBytes && report.rss.failures === 0
  })
  return checks
}

/** Judged on means: what adds up over many runs is runner time and API budget. */
export function checkPolling(cases: PollingCase[]): TargetCheck[] {
  const find = (creationMs: number, waiter: string) =>
    cases.find(c => c.creationMs === creationMs && c.waiter === waiter)
  const times = [...new Set(cases.map(c => c.creationMs))]
  return times.flatMap(creationMs => {
    const ours = find(creationMs, 'this action')
    const terraform = find(creationMs, 'Terraform')
    const packer = find(creationMs, 'Packer')
    if (!ours || !terraform || !packer) return []
    return [
      {
        target: `${creationLabel(creationMs)} image: detection delay below Terraform's (mean)`,
        measured: `${s(ours.delayMs.mean)} vs ${s(terraform.delayMs.mean)}`,
        met: ours.delayMs.mean < terraform.delayMs.mean
      },
      {
        target: `${creationLabel(creationMs)} image: fewer DescribeImages calls than Packer (mean)`,
        measured: `${ours.calls.mean.toFixed(1)} vs ${packer.calls.mean.toFixed(1)}`,
        met: ours.calls.mean < packer.calls.mean
      }
    ]
  })
}

export function checkParallel(report: ParallelReport): TargetCheck[] {
  const n = report.options.processes
  const allSucceeded = report.rounds.every(r => r.succeeded === n && r.failures.length === 0)
  const duplicates = report.rounds.reduce((sum, r) => sum + r.duplicateImages, 0)
  return [
    {
      target: `${n} parallel runs all succeed (every round)`,
      measured: report.rounds.map(r => `${r.succeeded}/${n}`).join(', '),
      met: allSucceeded
    },
    {
      target: 'No duplicate image',
      measured: `${duplicates} duplicate(s)`,
      met: duplicates === 0
    }
  ]
}

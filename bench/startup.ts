// Start-up and size: `node <bundle>` doing a dry run against the emulator, next to the floor (a
// bundle that only imports @actions/core and sets one output, built with the same ncc options)
// and bare `node -e 0`, interleaved; peak memory of a full create-and-wait run; bundle weight.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { SEED, TEST_CREDENTIALS, startEmulator, type Emulator } from '../emulator/index.ts'
import {
  bundleWeight,
  scanServices,
  type Bundle,
  type BundleWeight,
  type ServiceScan
} from './bundles.ts'
import { timeNode, type TimedRun } from './processes.ts'
import { spread, type Spread } from './stats.ts'

export interface StartupOptions {
  root: string
  workDir: string
  bundles: Bundle[]
  /** Measured rounds; each runs every bundle, the floor and bare node once, in rotating order. */
  rounds: number
  rssRuns: number
  /** How long the emulator keeps the image CREATING in the create-and-wait runs. */
  createMs: number
}

export interface Timing {
  name: string
  what: string
  wallMs: Spread
  /** Runs that did not exit 0 (their times are still counted, and flagged). */
  failures: number
}

export interface BundleReport {
  name: string
  weight: BundleWeight
  services: ServiceScan
  /** Median of the per-round ratios of this bundle's time to the floor's. */
  ratio: Spread
}

export interface StartupReport {
  floorBuild: string
  timings: Timing[]
  bundles: BundleReport[]
  floorWeight: BundleWeight
  rss: { name: string; bytes: Spread; failures: number; polls: Spread; floorBytes: Spread }
}

/**
 * Builds bench/floor/index.ts with exactly the options of `npm run package` (its first ncc build:
 * every bundle is built with the same options).
 */
export function buildFloor(root: string, outDir: string): string {
  const scripts: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts
    .package
  const script = scripts.split('&&')[0]!.trim()
  const words = script.split(/\s+/)
  const build = words.indexOf('build')
  if (words[0] !== 'ncc' || build !== 1)
    throw new Error(`npm run package is not 'ncc build ...': ${script}`)
  // Drop the entry (after 'build') and the output folder (after -o/--out); keep every option.
  const options: string[] = []
  for (let i = build + 2; i < words.length; i++) {
    if (words[i] === '-o' || words[i] === '--out') i++
    else options.push(words[i]!)
  }
  rmSync(outDir, { recursive: true, force: true })
  const args = ['build', path.join(root, 'bench/floor/index.ts'), '-o', outDir, ...options]
  const ncc = path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
  const result = spawnSync(process.execPath, [ncc, ...args], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(`Building the floor bundle failed:\n${result.stdout}\n${result.stderr}`)
  }
  return `ncc ${args.map(a => path.relative(root, a) || a).join(' ')}`.replace(root + '/', '')
}

function dryRunInputs(emu: Emulator): Record<string, string> {
  return {
    region: SEED.region,
    endpoint: emu.url,
    'secret-id': TEST_CREDENTIALS.secretId,
    'secret-key': TEST_CREDENTIALS.secretKey,
    'instance-id': SEED.instances.running,
    'image-name': 'bench-dry-run',
    'dry-run': 'true'
  }
}

/** Each action's own dry run: the same sign-in, its own inputs and calls. */
function dryRunOf(
  bundleName: string,
  emu: Emulator
): { what: string; inputs: Record<string, string> } {
  if (bundleName.startsWith('cleanup/')) {
    const { region, endpoint, 'secret-id': id, 'secret-key': key } = dryRunInputs(emu)
    return {
      what: 'one DescribeImages',
      inputs: {
        region: region!,
        endpoint: endpoint!,
        'secret-id': id!,
        'secret-key': key!,
        'image-name': 'bench-dry-run',
        'dry-run': 'true'
      }
    }
  }
  if (bundleName.startsWith('promote/')) {
    const { region, endpoint, 'secret-id': id, 'secret-key': key } = dryRunInputs(emu)
    return {
      what: 'checks of an image family, no change',
      inputs: {
        region: region!,
        endpoint: endpoint!,
        'secret-id': id!,
        'secret-key': key!,
        'image-id': SEED.images.own,
        'image-family': 'app-base',
        'dry-run': 'true'
      }
    }
  }
  return { what: 'one CreateImage', inputs: dryRunInputs(emu) }
}

interface Runner {
  name: string
  what: string
  run: () => Promise<TimedRun>
  /** The exit code a healthy run of this kind ends with. */
  exitCode?: number
}

export async function measureStartup(options: StartupOptions): Promise<StartupReport> {
  const floorDir = path.join(options.workDir, 'floor')
  const floorBuild = buildFloor(options.root, floorDir)
  // No rate limits here: a throttled dry run would time the retry, not the start-up.
  const emu = await startEmulator({ rateLimits: false })
  try {
    const bundleRunners: Runner[] = options.bundles.map(bundle => {
      const dryRun = dryRunOf(bundle.name, emu)
      return {
        name: bundle.name,
        what: `dry run (${dryRun.what}) against the emulator`,
        run: () =>
          timeNode([bundle.entry], { inputs: dryRun.inputs, actionDir: path.dirname(bundle.dir) })
      }
    })
    // The same bundle stopped by input validation: loading it, without the client or a request.
    const loadOnly: Runner = {
      name: `${options.bundles[0]!.name} (load only)`,
      what: 'fails input validation before any API call (exit 1 expected)',
      exitCode: 1,
      run: () =>
        timeNode([options.bundles[0]!.entry], { actionDir: path.dirname(options.bundles[0]!.dir) })
    }
    const floor: Runner = {
      name: 'floor',
      what: '@actions/core only, sets one output (same ncc options)',
      run: () => timeNode([path.join(floorDir, 'index.js')])
    }
    const bare: Runner = { name: 'node -e 0', what: 'bare Node', run: () => timeNode(['-e', '0']) }
    const runners = [...bundleRunners, loadOnly, floor, bare]

    // One unmeasured round warms the file cache and checks that every run works.
    for (const runner of runners) {
      const run = await runner.run()
      if (
        runner === bundleRunners[0] &&
        (run.exitCode !== 0 || !/Dry run passed/.test(run.stdout))
      ) {
        throw new Error(
          `${runner.name} dry run failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`
        )
      }
    }
    const times = new Map(runners.map(r => [r.name, [] as number[]]))
    const failures = new Map(runners.map(r => [r.name, 0]))
    const ratios = new Map(bundleRunners.map(r => [r.name, [] as number[]]))
    for (let round = 0; round < options.rounds; round++) {
      const order = runners.map((_, i) => runners[(i + round) % runners.length]!)
      const thisRound = new Map<string, number>()
      for (const runner of order) {
        const run = await runner.run()
        times.get(runner.name)!.push(run.wallMs)
        thisRound.set(runner.name, run.wallMs)
        if (run.exitCode !== (runner.exitCode ?? 0))
          failures.set(runner.name, failures.get(runner.name)! + 1)
      }
      for (const runner of bundleRunners) {
        ratios.get(runner.name)!.push(thisRound.get(runner.name)! / thisRound.get('floor')!)
      }
    }

    return {
      floorBuild,
      timings: runners.map(r => ({
        name: r.name,
        what: r.what,
        wallMs: spread(times.get(r.name)!),
        failures: failures.get(r.name)!
      })),
      bundles: options.bundles.map(bundle => ({
        name: bundle.name,
        weight: bundleWeight(bundle.dir),
        services: scanServices(bundle.dir),
        ratio: spread(ratios.get(bundle.name)!)
      })),
      floorWeight: bundleWeight(floorDir),
      rss: await measureRss(options, path.join(floorDir, 'index.js'))
    }
  } finally {
    await emu.close()
  }
}

/** Peak RSS of dist/index.js creating an image and waiting until it is NORMAL. */
async function measureRss(
  options: StartupOptions,
  floorEntry: string
): Promise<StartupReport['rss']> {
  const bundle = options.bundles[0]!
  const emu = await startEmulator({ createMs: options.createMs })
  try {
    const bytes: number[] = []
    const polls: number[] = []
    const floorBytes: number[] = []
    let failures = 0
    for (let i = 0; i < options.rssRuns; i++) {
      const before = emu.calls.length
      const run = await timeNode([bundle.entry], {
        measureRss: true,
        actionDir: path.dirname(bundle.dir),
        inputs: { ...dryRunInputs(emu), 'dry-run': 'false', 'image-name': `bench-rss-${i}` }
      })
      if (run.exitCode !== 0 || !/image-state<<[\s\S]*NORMAL/.test(run.outputs)) failures++
      if (run.maxRssBytes !== undefined) bytes.push(run.maxRssBytes)
      polls.push(emu.calls.slice(before).filter(c => c.action === 'DescribeImages').length)
      const floor = await timeNode([floorEntry], { measureRss: true })
      if (floor.maxRssBytes !== undefined) floorBytes.push(floor.maxRssBytes)
    }
    return {
      name: bundle.name,
      bytes: spread(bytes),
      failures,
      polls: spread(polls),
      floorBytes: spread(floorBytes)
    }
  } finally {
    await emu.close()
  }
}

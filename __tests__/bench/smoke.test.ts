// `npm run bench -- --smoke` end to end, so the benchmark never rots. It asserts what the run
// found out (every part ran, the parallel jobs all succeeded once each), never how fast.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

function runBench(
  args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/index.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

describe('npm run bench -- --smoke', () => {
  it('measures every part and writes the report where it is told', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
    try {
      const out = path.join(dir, 'BENCHMARKS.md')
      const run = await runBench(['--smoke', '--out', out])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('| Target | Measured | Met |')

      const report = readFileSync(out, 'utf8')
      expect(report).toContain('Smoke run')
      expect(report).toContain(`| Node | ${process.version} |`)
      expect(report).toMatch(/\| Date \| \d{4}-\d{2}-\d{2}T/)
      for (const heading of [
        '## Targets',
        '## 1. Start-up and size',
        '## 2. Polling economy',
        '## 3. Parallel runs',
        '## 4. Simulated matrices',
        'When the jobs do not start together',
        '## Notes'
      ]) {
        expect(report).toContain(heading)
      }
      // Each timed run did what it should: dry runs passed, the load-only run failed as meant.
      expect(report).toMatch(/\| dist\/index\.js \| dry run [^\n]*\| 0 \|\n/)
      expect(report).toMatch(/\| floor \| [^\n]*\| 0 \|\n/)
      expect(report).toMatch(/\| dist\/index\.js create and wait \| [^\n]*\| 0 \|\n/)
      for (const waiter of ['this action', 'Packer', 'Terraform', 'AWS CLI waiter']) {
        expect(report).toContain(`| ${waiter} |`)
      }
      expect(report).toContain('| 3 parallel runs all succeed (every round) | 3/3, 3/3 | yes |')
      expect(report).toContain('| No duplicate image | 0 duplicate(s) | yes |')
      expect(report).toContain(
        '| 12 simulated jobs: all succeed, no duplicate image | 0 failed, 0 duplicate(s) | yes |'
      )
      expect(report).toContain(
        'holds no unused Tencent Cloud service client | clients: cvm | yes |'
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})

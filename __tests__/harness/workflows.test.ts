import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { REPOSITORY_ROOT } from '../../harness/index.ts'

// actionlint cannot run here, so these checks catch the mistakes it would: bad YAML, unpinned
// actions, and a `uses: ./` step whose inputs drift from action.yml.
interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Workflow {
  on: unknown
  permissions: Record<string, string>
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>
}

const workflowDir = path.join(REPOSITORY_ROOT, '.github', 'workflows')
const read = (file: string) => parse(readFileSync(path.join(workflowDir, file), 'utf8')) as Workflow
const files = readdirSync(workflowDir).filter(file => file.endsWith('.yml'))
const action = parse(readFileSync(path.join(REPOSITORY_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

describe('GitHub workflows', () => {
  it('include ci, check-dist and e2e', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'check-dist.yml', 'e2e.yml']))
  })

  it.each(files)('%s reads contents only and pins actions to a major version', file => {
    const workflow = read(file)
    expect(workflow.permissions).toEqual({ contents: 'read' })
    for (const job of Object.values(workflow.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest')
      for (const step of job.steps) {
        expect(step.uses === undefined || step.run === undefined).toBe(true)
        if (step.uses) expect(step.uses).toMatch(/^(\.\/|actions\/[a-z-]+@v\d+$)/)
      }
    }
  })

  it('e2e runs the action with inputs action.yml declares and checks a declared output', () => {
    const steps = Object.values(read('e2e.yml').jobs).flatMap(job => job.steps)
    const self = steps.find(step => step.uses === './')
    expect(self?.id).toBe('image')
    for (const name of Object.keys(self?.with ?? {})) {
      expect(Object.keys(action.inputs)).toContain(name)
    }
    expect(self?.with?.['instance-id']).toMatch(/^ins-/)
    expect(Object.keys(action.outputs)).toContain('image-id')
    const check = steps.find(step => JSON.stringify(step).includes('steps.image.outputs.image-id'))
    expect(check).toBeDefined()
  })
})

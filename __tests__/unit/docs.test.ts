// action.yml, the parser and the README must describe the same inputs and outputs.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INPUT_NAMES } from '../../src/main/inputs.ts'
import { PROMOTE_INPUT_NAMES } from '../../src/promote/inputs.ts'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
  branding: { icon: string; color: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')

/** Rows of the markdown table under a heading: first cell (without backticks) -> the other cells. */
function table(heading: string, level = '##'): Map<string, string[]> {
  const section = readme.split(new RegExp(`^${level} ${heading}\\s*$`, 'm'))[1]!.split(/^##+ /m)[0]!
  const rows = new Map<string, string[]>()
  for (const line of section.split('\n')) {
    const cells = line.split('|').map(c => c.trim())
    if (cells.length < 4 || /^-+$/.test(cells[1]!) || cells[1] === 'Name') continue
    rows.set(cells[1]!.replace(/`/g, ''), cells.slice(2, -1))
  }
  return rows
}

describe('action.yml', () => {
  it('runs on node24 from dist/index.js, with Marketplace branding', () => {
    expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  it('declares exactly the inputs the parser reads', () => {
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES])
  })

  it('documents every input, with a default or as required', () => {
    for (const input of Object.values(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10)
      expect(input.required === true || typeof input.default === 'string').toBe(true)
    }
  })
})

describe('README', () => {
  it.each([
    ['the main action', 'action.yml', 'Inputs', '##'],
    ['the cleanup action', 'cleanup/action.yml', 'Inputs of the cleanup action', '###']
  ])(
    'has one inputs row per input of %s, whose Default is exactly what %s has',
    (_, file, heading, level) => {
      const yml = parse(readFileSync(file, 'utf8')) as ActionYml
      const rows = table(heading, level)
      expect([...rows.keys()]).toEqual(Object.keys(yml.inputs))
      for (const [name, input] of Object.entries(yml.inputs)) {
        // An environment fallback or a computed value belongs in the description.
        const expected = input.required ? '(required)' : `\`${input.default || "''"}\``
        expect([name, rows.get(name)![0]]).toEqual([name, expected])
      }
    }
  )

  it('has one outputs row per action.yml output', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs))
  })
})

describe('promote/action.yml', () => {
  const promote = parse(readFileSync('promote/action.yml', 'utf8')) as ActionYml
  const section = readme.split(/^## Promote action\s*$/m)[1]!.split(/^## /m)[0]!
  /** Rows of the table under a ### heading of the Promote section. */
  const rows = (heading: string) =>
    new Map(
      section
        .split(`### ${heading}`)[1]!
        .split(/^### /m)[0]!
        .split('\n')
        .map(line => line.split('|').map(c => c.trim()))
        .filter(cells => cells.length >= 4 && /^`[a-z-]+`$/.test(cells[1]!))
        .map(cells => [cells[1]!.replace(/`/g, ''), cells.slice(2, -1)])
    )

  it('declares exactly the inputs the parser reads, each documented with a default', () => {
    expect(Object.keys(promote.inputs)).toEqual([...PROMOTE_INPUT_NAMES])
    for (const input of Object.values(promote.inputs)) {
      expect(input.description.length).toBeGreaterThan(10)
      expect(input.required === true || typeof input.default === 'string').toBe(true)
    }
    expect(promote.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' })
  })

  it('has README rows for every input, with its default, and every output', () => {
    const inputs = rows('Inputs of the promote action')
    expect([...inputs.keys()]).toEqual(Object.keys(promote.inputs))
    for (const [name, input] of Object.entries(promote.inputs)) {
      if (input.default) expect(inputs.get(name)![0]).toContain(`\`${input.default}\``)
    }
    expect([...rows('Outputs of the promote action').keys()]).toEqual(Object.keys(promote.outputs))
  })

  it('lists the CAM permissions every call of the action needs', () => {
    for (const permission of [
      'cvm:ModifyImageAttribute',
      'cvm:DescribeImageFromFamily',
      'cvm:DescribeLaunchTemplates',
      'cvm:DescribeLaunchTemplateVersions',
      'cvm:CreateLaunchTemplateVersion',
      'cvm:ModifyLaunchTemplateDefaultVersion',
      'as:DescribeLaunchConfigurations',
      'as:ModifyLaunchConfigurationAttributes',
      'as:DescribeAutoScalingGroups',
      'as:StartInstanceRefresh',
      'as:DescribeRefreshActivities'
    ]) {
      expect(section).toContain(`\`${permission}\``)
    }
  })
})

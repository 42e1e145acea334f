import { describe, expect, it } from '@jest/globals'
import { evaluatePostIf, parseCommandLine, parseKeyValueFile } from '../../harness/index.ts'

describe('parseCommandLine', () => {
  it('undoes the toolkit escaping in properties and message', () => {
    expect(parseCommandLine('::error title=A%3A b%2C c,line=3::x%0Ay%0D 100%25')).toEqual({
      command: 'error',
      properties: { title: 'A: b, c', line: '3' },
      message: 'x\ny\r 100%'
    })
  })

  it('accepts leading whitespace and ignores property pairs without a value', () => {
    expect(parseCommandLine('  ::warning title=::msg')).toEqual({
      command: 'warning',
      properties: {},
      message: 'msg'
    })
  })

  it('leaves plain text alone', () => {
    expect(parseCommandLine('just text :: with colons')).toBeUndefined()
    expect(parseCommandLine('::no-end')).toBeUndefined()
  })
})

describe('parseKeyValueFile', () => {
  it('reads NAME=VALUE and heredoc forms, keeping values untrimmed', () => {
    const text = 'a=1\n\nb<<EOF\nx\r\ny\nEOF\nc= spaced \nd<<EOF\nEOF\n'
    expect(parseKeyValueFile(text)).toEqual([
      ['a', '1'],
      ['b', 'x\r\ny'],
      ['c', ' spaced '],
      ['d', '']
    ])
  })

  it('splits on whichever of = and << comes first', () => {
    expect(parseKeyValueFile('k=v<<w\nh<<E=D\nbody\nE=D\n')).toEqual([
      ['k', 'v<<w'],
      ['h', 'body']
    ])
  })

  it('rejects a heredoc without its closing delimiter', () => {
    expect(() => parseKeyValueFile('x<<EOF\nvalue\n')).toThrow(/Matching delimiter not found/)
    expect(() => parseKeyValueFile('no separator\n')).toThrow(/Invalid format/)
  })
})

describe('evaluatePostIf', () => {
  const cases: Array<[string, string, boolean]> = [
    ['always()', 'cancelled', true],
    ['success()', 'success', true],
    ['success()', 'failure', false],
    ['failure()', 'failure', true],
    ['failure()', 'cancelled', false],
    ['cancelled()', 'cancelled', true],
    ['!cancelled()', 'failure', true],
    ['!cancelled()', 'cancelled', false],
    ['success() || failure()', 'failure', true],
    ['always() && !cancelled()', 'cancelled', false],
    ['${{ failure() || cancelled() }}', 'cancelled', true],
    ['!(success() || cancelled())', 'failure', true],
    ['true', 'success', true],
    ['true', 'failure', false]
  ]
  it.each(cases)('%s after %s is %s', (condition, outcome, expected) => {
    expect(evaluatePostIf(condition, outcome as 'success')).toBe(expected)
  })

  it('refuses what it cannot evaluate', () => {
    expect(() => evaluatePostIf("github.event_name == 'push'", 'success')).toThrow(/Unsupported/)
  })
})

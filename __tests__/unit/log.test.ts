import { describe, expect, it, jest } from '@jest/globals'
import { inert, log, readsAsCommand } from '../../src/runner/log.ts'
import { maskSecret } from '../../src/runner/secrets.ts'

/** Runs `fn` with stdout captured: core.setSecret and core.info write workflow commands there. */
function captured(fn: () => void): string {
  let out = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    out += String(chunk)
    return true
  })
  try {
    fn()
  } finally {
    write.mockRestore()
  }
  return out
}

const fixedToken = () => '0123abcd'

describe('readsAsCommand', () => {
  it.each([
    ['::set-output name=image-id::img-1', 'a command at the start'],
    ['  ::error::boom', 'a command after spaces'],
    ['\t::add-mask::x', 'a command after a tab'],
    ['::', 'a bare ::'],
    ['Image ##[error]app failed', 'the older ##[ anywhere in a line'],
    ['##[group]x', 'the older ##[ at the start'],
    ['Image app\n::add-mask::x', 'a command on a later line (\\n)'],
    ['Image app\r::add-mask::x', 'a command after a lone \\r'],
    ['Image app\r\n  ::add-mask::x', 'a command after \\r\\n and spaces'],
    ['one\n\ntwo\n::stop-commands::x', 'a command after a blank line']
  ])('is true for %j (%s)', text => {
    expect(readsAsCommand(text)).toBe(true)
  })

  it.each([
    ['Image img-1 is NORMAL after 3s', 'plain text'],
    ['', 'nothing'],
    ['qcs::cam::uin/100000000001:roleName/x', ':: inside a line'],
    ['Image app: ready', 'a single colon'],
    [': :not', 'colons apart'],
    ['#[x] and ## [y]', 'no ##['],
    ['one\ntwo\r\nthree\rfour', 'several lines, none a command']
  ])('is false for %j (%s)', text => {
    expect(readsAsCommand(text)).toBe(false)
  })
})

describe('inert', () => {
  it('leaves text that reads as no command as it is, without drawing a token', () => {
    const token = jest.fn(fixedToken)
    expect(inert('Image img-1 is NORMAL after 3s', token)).toBe('Image img-1 is NORMAL after 3s')
    expect(inert('one\ntwo', token)).toBe('one\ntwo')
    expect(token).not.toHaveBeenCalled()
  })

  it('prints a would-be command between ::stop-commands:: and its resume token', () => {
    expect(inert('::set-output name=image-id::img-evil', fixedToken)).toBe(
      '::stop-commands::0123abcd\n::set-output name=image-id::img-evil\n::0123abcd::'
    )
  })

  it.each([
    ['\n', "Image 'a\n::add-mask::b' failed"],
    ['\r', "Image 'a\r::add-mask::b' failed"],
    ['\r\n', "Image 'a\r\n::add-mask::b' failed"],
    ['##[', 'Image a##[error]b failed']
  ])('wraps text whose lines break with %j, keeping the text as it is', (_, text) => {
    expect(inert(text, fixedToken)).toBe(`::stop-commands::0123abcd\n${text}\n::0123abcd::`)
  })

  it('drops the dashes of a UUID token', () => {
    expect(inert('::x', () => '1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe(
      '::stop-commands::1b4e28ba2fa111d2883f0016d3cca427\n::x\n::1b4e28ba2fa111d2883f0016d3cca427::'
    )
  })

  it('draws a fresh random token by default, the same for stop and resume', () => {
    const pattern = /^::stop-commands::([0-9a-f]{32})\n::error::x\n::\1::$/
    const first = inert('::error::x')
    const second = inert('::error::x')
    expect(first).toMatch(pattern)
    expect(second).toMatch(pattern)
    expect(pattern.exec(first)![1]).not.toBe(pattern.exec(second)![1])
  })

  it('cuts registered secrets out, whether or not the text is wrapped', () => {
    captured(() => {
      maskSecret('AKIDlogtest0000000000000000000001')
      maskSecret('::secret-that-reads-as-a-command')
    })
    expect(inert('SecretId AKIDlogtest0000000000000000000001 was refused', fixedToken)).toBe(
      'SecretId *** was refused'
    )
    expect(inert('::error::AKIDlogtest0000000000000000000001\r\nmore', fixedToken)).toBe(
      '::stop-commands::0123abcd\n::error::***\r\nmore\n::0123abcd::'
    )
    // Decided on the redacted text: a secret is never printed, and '***' is no command.
    expect(inert('::secret-that-reads-as-a-command', fixedToken)).toBe('***')
  })
})

describe('log.info', () => {
  it('writes a would-be command as inert lines, and plain text as it is', () => {
    const out = captured(() => {
      log.info('Image img-1 is NORMAL')
      log.info('::add-mask::nothing')
    })
    const lines = out.split(/\r?\n/)
    expect(lines[0]).toBe('Image img-1 is NORMAL')
    expect(lines[1]).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
    expect(lines[2]).toBe('::add-mask::nothing')
    expect(lines[3]).toBe(`::${lines[1]!.slice('::stop-commands::'.length)}::`)
  })
})

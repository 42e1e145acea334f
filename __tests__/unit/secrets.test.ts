import { describe, expect, it, jest } from '@jest/globals'
import { maskSecret, redactSecrets } from '../../src/runner/secrets.ts'

describe('redactSecrets', () => {
  it('cuts every masked value out of a message, longest first', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      maskSecret('AKIDabc')
      maskSecret('AKIDabcdef')
      maskSecret('')
    } finally {
      write.mockRestore()
    }
    expect(redactSecrets('The SecretId AKIDabcdef may not; AKIDabc either.')).toBe(
      'The SecretId *** may not; *** either.'
    )
    expect(redactSecrets('nothing here')).toBe('nothing here')
  })
})

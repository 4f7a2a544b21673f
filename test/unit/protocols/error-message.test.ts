import { describe, expect, it } from 'vitest'
import { errorMessage } from '../../../protocols/common/errors.ts'

describe('errorMessage', () => {
  it('reads an Error, an error Event, a bare Event and anything else', () => {
    expect(errorMessage(new Error('refused'))).toBe('refused')
    const withError = Object.assign(new Event('error'), { error: new Error('ECONNREFUSED') })
    expect(errorMessage(withError)).toBe('ECONNREFUSED')
    expect(errorMessage(Object.assign(new Event('error'), { message: 'socket hang up' }))).toBe('socket hang up')
    expect(errorMessage(new Event('close'))).toBe('close event')
    expect(errorMessage('plain')).toBe('plain')
  })
})

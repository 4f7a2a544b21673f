import { describe, expect, it } from 'vitest'
import {
  AmbiguousNameError,
  CorruptIdentityError,
  DataDirInUseError,
  errorCode,
  NotStartedError,
  SelfMessageError,
  UnknownUserError
} from '../../../node/errors.ts'
import {
  EmptyMessageError,
  InvalidMessageError,
  InvalidNameError,
  MessageTooLargeError
} from '../../../protocols/common/errors.ts'
import { DeliveryFailedError, DeliveryRefusedError } from '../../../protocols/dm/errors.ts'

describe('errorCode', () => {
  it.each<[Error, string]>([
    [new UnknownUserError('x'), 'UNKNOWN_USER'],
    [new AmbiguousNameError('x', ['a#1', 'a#2']), 'AMBIGUOUS_NAME'],
    [new DataDirInUseError('x'), 'DATA_DIR_IN_USE'],
    [new CorruptIdentityError('x'), 'CORRUPT_IDENTITY'],
    [new SelfMessageError('x'), 'SELF_MESSAGE'],
    [new NotStartedError('x'), 'NOT_STARTED'],
    [new DeliveryFailedError('x'), 'DELIVERY_FAILED'],
    [new DeliveryRefusedError('x'), 'DELIVERY_REFUSED'],
    [new InvalidNameError('x'), 'INVALID_NAME'],
    [new MessageTooLargeError('x'), 'MESSAGE_TOO_LARGE'],
    [new EmptyMessageError('x'), 'EMPTY_MESSAGE'],
    [new InvalidMessageError('x'), 'PROTOCOL_ERROR']
  ])('maps %s to %s', (err, code) => {
    expect(errorCode(err)).toBe(code)
  })

  it('maps aborts and timeouts from AbortSignal', () => {
    const aborted = new AbortController()
    aborted.abort()
    expect(errorCode(aborted.signal.reason)).toBe('ABORTED')
    expect(errorCode(new DOMException('too slow', 'TimeoutError'))).toBe('TIMEOUT')
  })

  it('maps anything else to INTERNAL', () => {
    expect(errorCode(new Error('boom'))).toBe('INTERNAL')
    expect(errorCode(new TypeError('boom'))).toBe('INTERNAL')
    expect(errorCode('a string')).toBe('INTERNAL')
    expect(errorCode(undefined)).toBe('INTERNAL')
    expect(errorCode({ name: 'UnknownUserError' })).toBe('INTERNAL')
  })

  it('maps a full disk to DISK_FULL, from a system error or from the message store', () => {
    const enospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' })
    expect(errorCode(enospc)).toBe('DISK_FULL')
    // what LevelDB throws when its log cannot grow
    const level = Object.assign(new Error('IO error: /data/db/000003.log: No space left on device'), {
      code: 'LEVEL_IO_ERROR'
    })
    expect(errorCode(level)).toBe('DISK_FULL')
    expect(errorCode(new Error('write failed', { cause: enospc }))).toBe('DISK_FULL')
    expect(errorCode(new Error('no space for jokes'))).toBe('INTERNAL')
  })

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'maps an error named %s to INTERNAL, not to an Object.prototype member',
    (name) => {
      const err = new Error('odd')
      err.name = name
      expect(errorCode(err)).toBe('INTERNAL')
    }
  )

  it('error classes carry their name, and AmbiguousNameError its candidates', () => {
    const err = new AmbiguousNameError('pick one', ['a#1', 'a#2'])
    expect(err.name).toBe('AmbiguousNameError')
    expect(AmbiguousNameError.name).toBe('AmbiguousNameError')
    expect(err.candidates).toEqual(['a#1', 'a#2'])
    expect(err).toBeInstanceOf(Error)
  })
})

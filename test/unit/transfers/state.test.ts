import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isExpired,
  isFinal,
  isValidOffset,
  nextState,
  resumeOffset,
  type TransferAction,
  type TransferState,
  verifiedPrefix,
  wholeChunks
} from '../../../node/transfers/state.ts'

const STATES: TransferState[] = [
  'preparing',
  'offered',
  'waiting',
  'transferring',
  'done',
  'declined',
  'cancelled',
  'expired',
  'failed'
]
const ACTIONS: TransferAction[] = [
  'offer',
  'accept',
  'start',
  'interrupt',
  'complete',
  'decline',
  'cancel',
  'expire',
  'fail',
  'retry'
]

describe('transfer state machine', () => {
  it('walks the usual paths', () => {
    expect(nextState('preparing', 'offer')).toBe('offered')
    expect(nextState('offered', 'accept')).toBe('waiting')
    expect(nextState('waiting', 'start')).toBe('transferring')
    expect(nextState('transferring', 'interrupt')).toBe('waiting')
    expect(nextState('transferring', 'complete')).toBe('done')
    expect(nextState('offered', 'expire')).toBe('expired')
    expect(nextState('failed', 'retry')).toBe('waiting')
  })

  it('never leaves a final state, and only unanswered offers expire or get declined', () => {
    for (const state of STATES) {
      for (const action of ACTIONS) {
        const next = nextState(state, action)
        if (isFinal(state)) {
          expect(next).toBeUndefined()
        }
        if (action === 'expire' || action === 'decline') {
          expect(next === undefined || state === 'offered').toBe(true)
        }
      }
    }
  })

  it('expires only offers past their deadline', () => {
    expect(isExpired('offered', 1000, 999)).toBe(false)
    expect(isExpired('offered', 1000, 1000)).toBe(true)
    expect(isExpired('transferring', 1000, 5000)).toBe(false)
  })
})

describe('resume arithmetic', () => {
  const h = (n: number): Uint8Array => new Uint8Array(32).fill(n)
  const list = (...ns: number[]): Uint8Array => {
    const out = new Uint8Array(ns.length * 32)
    for (const [i, n] of ns.entries()) {
      out.set(h(n), i * 32)
    }
    return out
  }

  it('counts the leading chunks that match', () => {
    expect(verifiedPrefix(list(1, 2, 3), [h(1), h(2), h(3)])).toBe(3)
    expect(verifiedPrefix(list(1, 2, 3), [h(1), h(9), h(3)])).toBe(1)
    expect(verifiedPrefix(list(1, 2), [h(1), h(2), h(3)])).toBe(2)
    expect(verifiedPrefix(list(), [])).toBe(0)
  })

  it('only whole chunks of a partial file can be verified', () => {
    expect(wholeChunks(0, 10, 4)).toBe(0)
    expect(wholeChunks(7, 10, 4)).toBe(1)
    expect(wholeChunks(8, 10, 4)).toBe(2)
    expect(wholeChunks(10, 10, 4)).toBe(3)
    expect(wholeChunks(50, 10, 4)).toBe(3)
  })

  it('resumes at a chunk boundary inside the file that a sender accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 20 }),
        fc.nat({ max: 2e9 }),
        (size, log, partLength) => {
          const chunkSize = 2 ** log
          const chunks = wholeChunks(partLength, size, chunkSize)
          const offset = resumeOffset(chunks, size, chunkSize)
          expect(offset).toBeLessThanOrEqual(Math.min(size, partLength))
          expect(isValidOffset(offset, size, chunkSize)).toBe(true)
        }
      )
    )
  })

  it('refuses offsets that are not chunk boundaries', () => {
    expect(isValidOffset(3, 10, 4)).toBe(false)
    expect(isValidOffset(12, 10, 4)).toBe(false)
    expect(isValidOffset(-4, 10, 4)).toBe(false)
    expect(isValidOffset(10, 10, 4)).toBe(true)
  })
})

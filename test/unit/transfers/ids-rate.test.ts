import { describe, expect, it } from 'vitest'
import { resolveId, shortId } from '../../../node/transfers/ids.ts'
import { ProgressMeter, pacingDelay } from '../../../node/transfers/rate.ts'
import { AmbiguousTransferError, UnknownTransferError } from '../../../protocols/file/errors.ts'

const A = 'abcdef0123456789abcdef0123456789'
const B = 'abcdef9999999999abcdef0123456789'
const C = '1234567890abcdef1234567890abcdef'

describe('transfer ids', () => {
  it('shows the shortest prefix no other id shares', () => {
    expect(shortId(C, [A, B, C])).toBe('123456')
    expect(shortId(A, [A, B, C])).toBe('abcdef0')
    expect(shortId(B, [A, B, C])).toBe('abcdef9')
  })

  it('resolves a unique prefix, case-insensitively, and refuses ambiguous or unknown ones', () => {
    expect(resolveId('ABCDEF0', [A, B, C])).toBe(A)
    expect(resolveId('12', [A, B, C])).toBe(C)
    expect(resolveId(A, [A, B, C])).toBe(A)
    expect(() => resolveId('abc', [A, B, C])).toThrow(AmbiguousTransferError)
    expect(() => resolveId('ff', [A, B, C])).toThrow(UnknownTransferError)
    expect(() => resolveId(' ', [A])).toThrow(UnknownTransferError)
  })
})

describe('ProgressMeter', () => {
  it('reports at most every interval, always at the end, with rate and ETA', () => {
    const meter = new ProgressMeter(1000, 250)
    expect(meter.update(0, 0)).toMatchObject({ bytes: 0, rate: 0 })
    expect(meter.update(100, 100)).toBeUndefined()
    const mid = meter.update(500, 1000)
    expect(mid).toMatchObject({ bytes: 500, size: 1000, rate: 500, etaSeconds: 1 })
    expect(meter.update(1000, 1001)).toMatchObject({ bytes: 1000, etaSeconds: 0 })
  })

  it('averages the rate over the last few seconds only', () => {
    const meter = new ProgressMeter(1e9, 0)
    for (let t = 0; t <= 10_000; t += 500) {
      meter.update(t < 5000 ? t * 1000 : 5e6 + (t - 5000) * 10, t)
    }
    // 10 bytes/ms lately, although 1000 bytes/ms earlier
    expect(meter.update(5e6 + 5500 * 10, 10_500)!.rate).toBeLessThan(20_000)
  })
})

describe('pacingDelay', () => {
  it('waits just long enough to hold the rate', () => {
    expect(pacingDelay(1000, 0, 1000)).toBe(1000)
    expect(pacingDelay(1000, 1000, 1000)).toBe(0)
    expect(pacingDelay(1000, 400, 1000)).toBe(600)
    expect(pacingDelay(1e9, 0, 0)).toBe(0)
  })
})

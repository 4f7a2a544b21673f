import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FD_HEADROOM,
  fdLimitWarning,
  parseFdSoftLimit,
  RELAY_BUFFER_POOL_BYTES,
  shrinkBufferPool
} from '../../../relay/process-limits.ts'

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`

describe('open file limit', () => {
  it('reads the soft limit from /proc/self/limits', () => {
    expect(parseFdSoftLimit(LIMITS)).toBe(1024)
    expect(parseFdSoftLimit(LIMITS.replace('1024 ', 'unlimited '))).toBeUndefined()
    expect(parseFdSoftLimit('')).toBeUndefined()
  })

  it('warns when maxConnections and the headroom do not fit, naming how to raise it', () => {
    const warning = fdLimitWarning(2000, 1024)
    expect(warning).toContain(`ulimit -n ${2000 + FD_HEADROOM}`)
    expect(warning).toContain(`LimitNOFILE=${2000 + FD_HEADROOM}`)
    expect(fdLimitWarning(2000, 2000 + FD_HEADROOM)).toBeUndefined()
    expect(fdLimitWarning(2000, undefined)).toBeUndefined()
  })

  it('warns exactly when the limit is below what the connections need', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1_000_000 }), (max, soft) => {
        expect(fdLimitWarning(max, soft) != null).toBe(soft < max + FD_HEADROOM)
      })
    )
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const limit = parseFdSoftLimit(text)
        expect(limit == null || Number.isInteger(limit)).toBe(true)
      })
    )
  })
})

describe('small buffers on a relay', () => {
  // a small buffer kept for a client's whole connection must keep at most a small block alive, not 64 KiB
  it('cuts small buffers from blocks of at most RELAY_BUFFER_POOL_BYTES, larger ones get their own memory', () => {
    const before = Buffer.poolSize
    try {
      shrinkBufferPool()
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 32 * 1024 }), { minLength: 1, maxLength: 20 }), (sizes) => {
          const kept = sizes.map((size) => Buffer.allocUnsafe(size))
          for (const [i, buf] of kept.entries()) {
            const size = sizes[i] ?? 0
            if (size >= RELAY_BUFFER_POOL_BYTES / 2) {
              expect(buf.buffer.byteLength).toBe(size)
            } else {
              expect(buf.buffer.byteLength).toBeLessThanOrEqual(RELAY_BUFFER_POOL_BYTES)
            }
          }
        })
      )
    } finally {
      Buffer.poolSize = before
    }
  })
})

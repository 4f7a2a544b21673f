import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type UnheardBounds, UnheardFrames } from '../../../protocols/common/unheard.ts'

const bounds: UnheardBounds = { maxFrames: 8, maxBytes: 64, ttlMs: 1000 }
const frame = (n: number, bytes = 1): Uint8Array => new Uint8Array(bytes).fill(n)

describe('UnheardFrames', () => {
  it('gives back the frames of one topic, once, in order', () => {
    const u = new UnheardFrames(bounds)
    u.note('a', frame(1), 0)
    u.note('b', frame(2), 0)
    u.note('a', frame(3), 0)
    expect(u.take('a', 1).map((f) => f.frame)).toEqual([frame(1), frame(3)])
    expect(u.take('a', 1)).toEqual([])
    expect(u.take('b', 1).map((f) => f.frame)).toEqual([frame(2)])
  })

  it('forgets frames past their time', () => {
    const u = new UnheardFrames(bounds)
    u.note('a', frame(1), 0)
    expect(u.has('a', 999)).toBe(true)
    expect(u.take('a', 1000)).toEqual([])
    expect(u.size).toBe(0)
    expect(u.bytes).toBe(0)
  })

  it('does not keep a frame larger than its byte bound', () => {
    const u = new UnheardFrames(bounds)
    u.note('a', frame(1), 0)
    u.note('a', frame(2, bounds.maxBytes + 1), 0)
    expect(u.size).toBe(0)
  })

  it('puts restored frames back before those noted since, with their first time', () => {
    const u = new UnheardFrames(bounds)
    u.note('a', frame(1), 0)
    u.note('a', frame(2), 10)
    const taken = u.take('a', 20, 1)
    expect(taken.map((f) => f.frame)).toEqual([frame(1)])
    u.note('a', frame(3), 30)
    u.restore(taken, 40)
    expect(u.take('a', 50).map((f) => f.frame)).toEqual([frame(1), frame(2), frame(3)])
    u.note('a', frame(4), 0)
    u.restore(u.take('a', 10), 1000)
    expect(u.size).toBe(0)
  })

  it('keeps the newest frames that fit its count and bytes, per topic in the order noted', () => {
    const note = fc.record({ topic: fc.constantFrom('a', 'b', 'c'), bytes: fc.integer({ min: 1, max: 80 }) })
    fc.assert(
      fc.property(fc.array(note, { maxLength: 100 }), fc.nat(8), (notes, takeFirst) => {
        const u = new UnheardFrames(bounds)
        notes.forEach(({ topic, bytes }, i) => {
          u.note(topic, frame(i % 256, bytes), 0)
          expect(u.size).toBeLessThanOrEqual(bounds.maxFrames)
          expect(u.bytes).toBeLessThanOrEqual(bounds.maxBytes)
        })
        // what is kept: the longest run of the latest notes that fits both bounds
        const kept: number[] = []
        let bytes = 0
        for (let i = notes.length - 1; i >= 0; i--) {
          if (kept.length + 1 > bounds.maxFrames || bytes + notes[i].bytes > bounds.maxBytes) {
            break
          }
          kept.unshift(i)
          bytes += notes[i].bytes
        }
        expect(u.bytes).toBe(bytes)
        // taking some and restoring them changes nothing
        u.restore(u.take('a', 1, takeFirst), 1)
        for (const topic of ['a', 'b', 'c']) {
          const want = kept.filter((i) => notes[i].topic === topic).map((i) => frame(i % 256, notes[i].bytes))
          expect(u.take(topic, 1).map((f) => f.frame)).toEqual(want)
        }
        expect(u.size).toBe(0)
        expect(u.bytes).toBe(0)
      })
    )
  })
})

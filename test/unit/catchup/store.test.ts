import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CatchUpStore, type KeptMessage } from '../../../protocols/catchup/store.ts'

const HOUR = 3_600_000

function msg(topic: string, at: number, size = 10): KeptMessage {
  return { topic, at, size, signed: new Uint8Array(size) }
}

describe('CatchUpStore', () => {
  it('stays within its bounds whatever is added: count per conversation, bytes and conversations in total', () => {
    const ops = fc.array(
      fc.record({ topic: fc.constantFrom('a', 'b', 'c', 'd'), size: fc.integer({ min: 1, max: 120 }) }),
      { maxLength: 300 }
    )
    fc.assert(
      fc.property(ops, (adds) => {
        const store = new CatchUpStore({ maxBytes: 1000, maxConversations: 3, maxPerConversation: 7 })
        adds.forEach(({ topic, size }, i) => {
          store.add(msg(topic, i, size))
          expect(store.size).toBeLessThanOrEqual(1000)
        })
        for (const topic of ['a', 'b', 'c', 'd']) {
          const found = store.find(topic, 0, adds.length, 1000, 1_000_000)
          expect(found.messages.length).toBeLessThanOrEqual(7)
          // oldest first, and what is there is the newest of that topic
          const ats = found.messages.map((m) => m.at)
          expect(ats).toEqual([...ats].sort((x, y) => x - y))
        }
      })
    )
  })

  it('drops the oldest of all first when the bytes run out', () => {
    const store = new CatchUpStore({ maxBytes: 30, maxConversations: 4 })
    store.add(msg('a', 1))
    store.add(msg('b', 2))
    store.add(msg('a', 3))
    store.add(msg('b', 4))
    expect(store.find('a', 0, 10, 100, 1000).messages.map((m) => m.at)).toEqual([3])
    expect(store.find('b', 0, 10, 100, 1000).messages.map((m) => m.at)).toEqual([2, 4])
    expect(store.size).toBe(30)
  })

  it('serves only the window, only since the point asked, and the newest that fit when more is kept', () => {
    const store = new CatchUpStore({ maxBytes: 10_000, maxConversations: 4, windowMs: 24 * HOUR })
    for (let h = 0; h < 30; h++) {
      store.add(msg('lobby', h * HOUR))
    }
    const now = 30 * HOUR
    expect(store.find('lobby', 0, now, 1000, 100_000).messages[0].at).toBe(6 * HOUR)
    expect(store.find('lobby', 28 * HOUR, now, 1000, 100_000).messages.map((m) => m.at)).toEqual([28 * HOUR, 29 * HOUR])
    // a shorter window of the responder's retention
    expect(store.find('lobby', 0, now, 1000, 100_000, 2 * HOUR).messages).toHaveLength(2)
    const capped = store.find('lobby', 0, now, 3, 100_000)
    expect(capped).toMatchObject({ truncated: true })
    expect(capped.messages.map((m) => m.at)).toEqual([26 * HOUR, 27 * HOUR, 28 * HOUR].map((t) => t + HOUR))
    expect(store.find('lobby', 0, now, 1000, 25).messages).toHaveLength(2)
  })

  it('keeps no message larger than the whole store and no conversation past the limit', () => {
    const store = new CatchUpStore({ maxBytes: 100, maxConversations: 1 })
    expect(store.add(msg('a', 1, 101))).toBe(false)
    expect(store.add(msg('a', 1))).toBe(true)
    expect(store.add(msg('b', 1))).toBe(false)
    store.forget('a')
    expect(store.size).toBe(0)
    expect(store.add(msg('b', 2))).toBe(true)
  })
})

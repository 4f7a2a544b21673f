import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type ExpirySignal, expireSlotsTogether, type SlotMap } from '../../../relay/reservation-expiry.ts'

const TTL = 10_000

interface Slot {
  signal: ExpirySignal
}

/** The circuit relay server's PeerMap of slots, as far as it is used. */
class Slots implements SlotMap<Slot> {
  readonly held = new Map<string, Slot>()
  get(peer: PeerId): Slot | undefined {
    return this.held.get(peer.toString())
  }
  set(peer: PeerId, slot: Slot): void {
    this.held.set(peer.toString(), slot)
  }
  delete(peer: PeerId): boolean {
    return this.held.delete(peer.toString())
  }
  clear(): void {
    this.held.clear()
  }
}

/** The library's own signal (retimeable-signal's shape), counting what is asked of it. */
function librarySignal(calls: { clear: number; reset: number }): ExpirySignal {
  return Object.assign(new AbortController().signal, {
    reset: () => {
      calls.reset++
    },
    clear: () => {
      calls.clear++
    }
  })
}

/** What ReservationStore.reserve does with the map: refresh a held slot (reset to the TTL), else make one. */
function reserve(slots: Slots, peer: PeerId, calls: { clear: number; reset: number }): void {
  const held = slots.get(peer)
  if (held != null) {
    held.signal.reset(TTL)
    slots.set(peer, held)
    return
  }
  const slot = { signal: librarySignal(calls) }
  slot.signal.addEventListener('abort', () => slots.delete(peer))
  slots.set(peer, slot)
}

let peers: PeerId[] = []
beforeAll(async () => {
  peers = await Promise.all([1, 2, 3].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
})
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('expireSlotsTogether', () => {
  it("replaces the library's signal (cleared) and expires the slot after the TTL, not before", () => {
    const slots = new Slots()
    expireSlotsTogether(slots, TTL, () => Date.now())
    const calls = { clear: 0, reset: 0 }
    const [a] = peers as [PeerId]
    reserve(slots, a, calls)
    expect(calls.clear).toBe(1)
    const signal = slots.get(a)?.signal
    vi.advanceTimersByTime(TTL - 1)
    expect(signal?.aborted).toBe(false)
    expect(slots.get(a)).toBeDefined()
    vi.advanceTimersByTime(1)
    expect(signal?.aborted).toBe(true)
    expect(slots.get(a)).toBeUndefined()
  })

  it('holds one timer for many slots, and none once they are freed', () => {
    const slots = new Slots()
    const expiry = expireSlotsTogether(slots, TTL, () => Date.now())
    const calls = { clear: 0, reset: 0 }
    for (const peer of peers) {
      reserve(slots, peer, calls)
      vi.advanceTimersByTime(100)
    }
    expect(vi.getTimerCount()).toBe(1)
    expect(expiry.armed).toBe(peers.length)
    for (const peer of peers) {
      slots.delete(peer)
    }
    expect(expiry.armed).toBe(0)
    // the shared timer may still fire once, finding nothing due, and then stops
    vi.advanceTimersByTime(TTL)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('honours a reset to another duration, on a timer of its own', () => {
    const slots = new Slots()
    expireSlotsTogether(slots, TTL, () => Date.now())
    const [a, b] = peers as [PeerId, PeerId]
    reserve(slots, a, { clear: 0, reset: 0 })
    reserve(slots, b, { clear: 0, reset: 0 })
    slots.get(a)?.signal.reset(50)
    vi.advanceTimersByTime(50)
    expect(slots.get(a)).toBeUndefined()
    expect(slots.get(b)).toBeDefined()
    slots.clear()
    vi.advanceTimersByTime(TTL)
    expect(slots.get(b)).toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps a slot exactly while it is within the TTL of its last reservation, whatever happens (model)', () => {
    type Op = { kind: 'reserve' | 'release' | 'kick' | 'clear-only'; peer: number } | { kind: 'wait'; ms: number }
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('reserve' as const, 'release' as const, 'kick' as const, 'clear-only' as const),
        peer: fc.integer({ min: 0, max: 2 })
      }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: TTL + 10 }) })
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        vi.clearAllTimers()
        const slots = new Slots()
        expireSlotsTogether(slots, TTL, () => Date.now())
        // model: when each peer's slot expires; Infinity once its signal was cleared; absent when it has none
        const due = new Map<number, number>()
        for (const o of ops) {
          if (o.kind === 'wait') {
            vi.advanceTimersByTime(o.ms)
            for (const [peer, at] of due) {
              if (at <= Date.now()) {
                due.delete(peer)
              }
            }
          } else {
            const peer = peers[o.peer] as PeerId
            if (o.kind === 'reserve') {
              reserve(slots, peer, { clear: 0, reset: 0 })
              due.set(o.peer, Date.now() + TTL)
            } else if (o.kind === 'release') {
              slots.get(peer)?.signal.clear()
              slots.delete(peer)
              due.delete(o.peer)
            } else if (o.kind === 'kick') {
              slots.delete(peer)
              due.delete(o.peer)
            } else if (due.has(o.peer)) {
              slots.get(peer)?.signal.clear()
              due.set(o.peer, Number.POSITIVE_INFINITY)
            }
          }
          for (const [i, peer] of peers.entries()) {
            const slot = slots.get(peer)
            expect(slot != null).toBe(due.has(i))
            expect(slot?.signal.aborted ?? false).toBe(false)
          }
        }
      })
    )
  })
})

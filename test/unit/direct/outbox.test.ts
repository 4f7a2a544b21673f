import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isOutboxEntry, MAX_SEEN_IDS, SeenIds } from '../../../node/direct/dm-store.ts'
import {
  MAX_OUTBOX_ENTRIES,
  OUTBOX_MAX_RETRY_MS,
  Outbox,
  type OutboxEntry,
  OutboxFullError
} from '../../../node/direct/outbox.ts'

const PEERS = ['12D3KooWA', '12D3KooWB', '12D3KooWC']
const TTL = 10_000

function entry(id: string, to: string, now: number) {
  return { id, to, toName: 'x', sealed: 'AAAA', mailId: '0'.repeat(32), createdAt: now, expiresAt: now + TTL }
}

type Op =
  | { op: 'add'; id: number; to: number }
  | { op: 'attempt'; id: number; relay: number }
  | { op: 'delivered'; id: number; from: number }
  | { op: 'expire' }
  | { op: 'tick'; ms: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), id: fc.nat(20), to: fc.nat(2) }),
  fc.record({ op: fc.constant('attempt' as const), id: fc.nat(20), relay: fc.nat(2) }),
  fc.record({ op: fc.constant('delivered' as const), id: fc.nat(20), from: fc.nat(2) }),
  fc.constant({ op: 'expire' as const }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.nat(5_000) })
)

describe('Outbox', () => {
  it('matches a model: delivered only by its recipient, expired only when due, retries spaced within bounds', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const outbox = new Outbox([], () => 0.5)
        const model = new Map<string, { to: string; expiresAt: number }>()
        let now = 0
        for (const o of ops) {
          const id = `dm${'id' in o ? o.id : ''}`
          switch (o.op) {
            case 'add':
              outbox.add(entry(id, PEERS[o.to], now), now)
              model.set(id, { to: PEERS[o.to], expiresAt: now + TTL })
              break
            case 'attempt': {
              const before = outbox.get(id)?.attempts ?? 0
              expect(outbox.attempted(id, now, [`relay${o.relay}`])).toBe(model.has(id))
              const e = outbox.get(id)
              if (e != null) {
                expect(e.attempts).toBe(before + 1)
                expect(e.nextAttemptAt).toBeGreaterThan(now)
                expect(e.nextAttemptAt - now).toBeLessThanOrEqual(OUTBOX_MAX_RETRY_MS * 1.2)
                expect(e.deposited).toContain(`relay${o.relay}`)
                expect(new Set(e.deposited).size).toBe(e.deposited.length)
              }
              break
            }
            case 'delivered': {
              const got = outbox.delivered(id, PEERS[o.from])
              const expected = model.get(id)?.to === PEERS[o.from]
              expect(got != null).toBe(expected)
              if (expected) model.delete(id)
              break
            }
            case 'expire': {
              const gone = outbox.expire(now).map((e) => e.id)
              const due = [...model].filter(([, m]) => m.expiresAt <= now).map(([k]) => k)
              expect(gone.sort()).toEqual(due.sort())
              for (const k of due) model.delete(k)
              break
            }
            case 'tick':
              now += o.ms
              break
          }
          expect(
            outbox
              .entries()
              .map((e) => e.id)
              .sort()
          ).toEqual([...model.keys()].sort())
          for (const e of outbox.due(now)) {
            expect(e.nextAttemptAt).toBeLessThanOrEqual(now)
            expect(e.expiresAt).toBeGreaterThan(now)
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it('refuses more than MAX_OUTBOX_ENTRIES with OutboxFullError, queuing nothing', () => {
    const outbox = new Outbox()
    for (let i = 0; i < MAX_OUTBOX_ENTRIES; i++) outbox.add(entry(`dm${i}`, PEERS[0], 0), 0)
    expect(() => outbox.add(entry('one-more', PEERS[0], 0), 0)).toThrow(OutboxFullError)
    expect(outbox.size).toBe(MAX_OUTBOX_ENTRIES)
  })

  it('forgets every DM for a peer that destroyed its account, and only those', () => {
    const outbox = new Outbox()
    outbox.add(entry('a1', PEERS[0], 0), 0)
    outbox.add(entry('b1', PEERS[1], 0), 0)
    outbox.add(entry('a2', PEERS[0], 0), 0)
    expect(outbox.forget(PEERS[0]).map((e) => e.id)).toEqual(['a1', 'a2'])
    expect(outbox.entries().map((e) => e.id)).toEqual(['b1'])
  })

  it('keeps only well-formed stored entries', () => {
    const good: OutboxEntry = {
      ...entry('dm1', '12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X', 0),
      attempts: 0,
      nextAttemptAt: 0,
      deposited: []
    }
    expect(isOutboxEntry(good)).toBe(true)
    for (const bad of [null, 3, { ...good, to: 'nobody' }, { ...good, mailId: 'xyz' }, { ...good, deposited: [1] }]) {
      expect(isOutboxEntry(bad)).toBe(false)
    }
  })
})

describe('SeenIds', () => {
  it('remembers the newest MAX_SEEN_IDS and says when an id is new', () => {
    const seen = new SeenIds()
    expect(seen.add('a')).toBe(true)
    expect(seen.add('a')).toBe(false)
    for (let i = 0; i < MAX_SEEN_IDS; i++) seen.add(`id${i}`)
    expect(seen.has('a')).toBe(false)
    expect(seen.list()).toHaveLength(MAX_SEEN_IDS)
    expect(new SeenIds(seen.list()).has(`id${MAX_SEEN_IDS - 1}`)).toBe(true)
  })
})

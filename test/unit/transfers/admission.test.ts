import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  admitOffer,
  DEFAULT_OFFER_LIMITS,
  holdsSlot,
  isStale,
  type OfferLimits,
  offerLifetime
} from '../../../node/transfers/admission.ts'
import { TransferBook } from '../../../node/transfers/book.ts'
import { diskTransferFiles } from '../../../node/transfers/disk-transfer-files.ts'
import { Downloads } from '../../../node/transfers/incoming.ts'
import type { TransferState } from '../../../node/transfers/state.ts'
import { MemoryTransferStore } from '../../../node/transfers/store.ts'
import type { Offer } from '../../../protocols/file/codec.ts'
import { MAX_OFFER_TTL_MS, MIN_OFFER_TTL_MS } from '../../../protocols/file/constants.ts'
import type { FileTransfer } from '../../../protocols/file/file.ts'

interface Rec {
  id: string
  direction: 'in' | 'out'
  peerId: string
  state: TransferState
  createdAt: number
  dir?: string
}

const NOW = 1_800_000_000_000
const HOUR = 3_600_000
let n = 0

function offer(peerId: string, state: TransferState = 'offered', ageMs = 0, extra: Partial<Rec> = {}): Rec {
  return { id: `t${++n}`, direction: 'in', peerId, state, createdAt: NOW - ageMs, ...extra }
}

/** Offers as a receiver that applies admitOffer to each in turn (what Downloads does), evictions included. */
function receive(records: Rec[], peerId: string, known: (p: string) => boolean, limits?: OfferLimits): boolean {
  const verdict = admitOffer(records, peerId, known, NOW, limits)
  if (!verdict.admit) {
    return false
  }
  if (verdict.evict != null) {
    const victim = records.find((r) => r.id === verdict.evict)!
    victim.state = 'expired'
  }
  records.push(offer(peerId))
  return true
}

const nobody = (): boolean => false

describe('offer admission', () => {
  it('an offer that expired or was withdrawn at once keeps counting against its sender for the window', () => {
    const records: Rec[] = []
    let taken = 0
    // a sender whose offers live 1 ms: each is expired by the time the next arrives
    for (let i = 0; i < 1000; i++) {
      if (receive(records, 'mallory', nobody)) {
        taken++
        records[records.length - 1].state = i % 2 === 0 ? 'expired' : 'cancelled'
      }
    }
    expect(taken).toBe(DEFAULT_OFFER_LIMITS.perStranger)
    // once the window passed they stop counting, and their records may go
    const later = NOW + DEFAULT_OFFER_LIMITS.windowMs
    expect(records.every((r) => !holdsSlot(r, later) && isStale(r, later))).toBe(true)
  })

  it('declined and accepted offers do not count: the user answered them', () => {
    const records = [
      ...Array.from({ length: 20 }, () => offer('bob', 'declined')),
      ...Array.from({ length: 20 }, () => offer('bob', 'done', 0, { dir: '/dl' }))
    ]
    expect(admitOffer(records, 'bob', nobody, NOW)).toEqual({ admit: true })
    expect(records.some((r) => isStale(r, NOW + 10 * HOUR))).toBe(false)
  })

  it('a flood from many new PeerIds fills only the strangers share: known peers and their room stay', () => {
    const known = (p: string): boolean => p.startsWith('friend')
    const records: Rec[] = []
    let flooded = 0
    for (let id = 0; id < 1000; id++) {
      for (let k = 0; k < 32; k++) {
        flooded += receive(records, `sybil-${id}`, known) ? 1 : 0
      }
    }
    expect(flooded).toBe(DEFAULT_OFFER_LIMITS.strangers)
    for (let f = 0; f < 6; f++) {
      for (let k = 0; k < 32; k++) {
        expect(receive(records, `friend-${f}`, known)).toBe(true)
      }
    }
    // friends fill the rest of the cap; then each further friend's offer displaces a stranger's, newest first
    const before = records.filter((r) => r.state === 'offered' && r.peerId.startsWith('sybil'))
    expect(receive(records, 'friend-7', known)).toBe(true)
    const after = records.filter((r) => r.state === 'offered' && r.peerId.startsWith('sybil'))
    expect(after).toHaveLength(before.length - 1)
    expect(before.at(-1)!.state).toBe('expired')
    expect(records.filter((r) => r.state === 'offered')).toHaveLength(DEFAULT_OFFER_LIMITS.total)
  })

  it('a full list of known peers turns a stranger away without evicting anyone', () => {
    const records = Array.from({ length: DEFAULT_OFFER_LIMITS.total }, (_, i) => offer(`friend-${i % 16}`))
    const verdict = admitOffer(records, 'stranger', (p) => p.startsWith('friend'), NOW)
    expect(verdict).toEqual({ admit: false, reason: 'too many offers pending' })
  })

  it('never lets pending offers pass the total, nor one peer pass its cap, whatever the order', () => {
    const peer = fc.constantFrom('a', 'b', 'c', 'friend-1', 'friend-2', 's1', 's2', 's3')
    const step = fc.record({ peer, end: fc.constantFrom<TransferState | null>(null, 'expired', 'cancelled') })
    const limits: OfferLimits = { ...DEFAULT_OFFER_LIMITS, perKnownPeer: 5, perStranger: 2, strangers: 4, total: 8 }
    const known = (p: string): boolean => p.startsWith('friend')
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const records: Rec[] = []
        for (const { peer: p, end } of steps) {
          if (receive(records, p, known, limits) && end != null) {
            records[records.length - 1].state = end
          }
          const held = records.filter((r) => holdsSlot(r, NOW, limits))
          expect(records.filter((r) => r.state === 'offered').length).toBeLessThanOrEqual(limits.total)
          expect(held.filter((r) => !known(r.peerId)).length).toBeLessThanOrEqual(limits.strangers)
          for (const q of new Set(held.map((r) => r.peerId))) {
            const cap = known(q) ? limits.perKnownPeer : limits.perStranger
            expect(held.filter((r) => r.peerId === q).length).toBeLessThanOrEqual(cap)
          }
        }
      })
    )
  })

  it('gives an offer at least the minimum lifetime, and strangers at most a day', () => {
    expect(offerLifetime(1, true)).toBe(MIN_OFFER_TTL_MS)
    expect(offerLifetime(MAX_OFFER_TTL_MS, true)).toBe(MAX_OFFER_TTL_MS)
    expect(offerLifetime(MAX_OFFER_TTL_MS, false)).toBe(DEFAULT_OFFER_LIMITS.strangerMaxTtlMs)
    expect(offerLifetime(HOUR, false)).toBe(HOUR)
  })
})

describe('Downloads.onOffer under a flood', () => {
  let seq = 0
  function fileOffer(ttlMs = 1): Offer {
    const id = `${(++seq).toString(16).padStart(8, '0')}${'0'.repeat(24)}`
    return { id, name: 'x.bin', size: 10, sha256: new Uint8Array(32), chunkSize: 1024 * 1024, senderName: 'm', ttlMs }
  }
  function downloads(): { d: Downloads; book: TransferBook } {
    const book = new TransferBook(
      new MemoryTransferStore(),
      { onlineName: () => undefined },
      defaultLogger().forComponent('t')
    )
    // onOffer talks to nobody: the service is never called
    const d = new Downloads(book, {} as FileTransfer, new AbortController().signal, {
      maxFileSize: 1e9,
      files: diskTransferFiles
    })
    return { d, book }
  }

  it('offers of 1 ms that expire at once stay bounded per sender, and so do their records', async () => {
    const { d, book } = downloads()
    let taken = 0
    for (let i = 0; i < 200; i++) {
      const o = fileOffer(1)
      const reply = await d.onOffer('mallory', o, 'mallory')
      if (reply.status === 'ok') {
        taken++
        // what the expiry timer does once the 1 ms ran out
        await book.apply(book.get(o.id)!, 'expire')
      }
    }
    expect(taken).toBe(DEFAULT_OFFER_LIMITS.perStranger)
    expect(book.records.size).toBe(DEFAULT_OFFER_LIMITS.perStranger)
  })

  it('8 PeerIds x 32 offers do not keep a peer we exchanged files with out', async () => {
    const { d, book } = downloads()
    for (let p = 0; p < 8; p++) {
      for (let k = 0; k < 32; k++) {
        await d.onOffer(`sybil-${p}`, fileOffer(MAX_OFFER_TTL_MS), 'sybil')
      }
    }
    await book.add({ ...book.records.values().next().value!, id: 'f'.repeat(32), direction: 'out', peerId: 'friend' })
    expect((await d.onOffer('friend', fileOffer(60_000), 'friend')).status).toBe('ok')
    const fresh = await d.onOffer('newcomer', fileOffer(60_000), 'newcomer')
    expect(fresh).toMatchObject({ status: 'refused', code: 'TRANSFER_REFUSED' })
  })
})

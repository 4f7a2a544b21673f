import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { MAX_CLOCK_SKEW_MS } from '../../../protocols/common/limits.ts'
import { MAX_LIFETIME_MS } from '../../../protocols/presence/constants.ts'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../../protocols/presence/index.ts'
import { checkSynced } from '../../../protocols/presence/synced.ts'
import { MAX_PAGE_BYTES, MAX_PAGE_ENTRIES } from '../../../protocols/presence-sync/constants.ts'
import {
  decodePage,
  decodeRequest,
  encodePages,
  encodeRequest,
  InvalidSignatureError,
  MAX_SYNC_ENTRIES,
  type SignedAnnouncement,
  type SyncEntry,
  signedBytes,
  verifyAnnouncement
} from '../../../protocols/presence-sync/index.ts'
import { PresenceSyncPage } from '../../../protocols/presence-sync/pb/presence-sync.ts'

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array<ArrayBuffer>> =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Uint8Array.from(b))

const entryArb: fc.Arbitrary<SyncEntry> = fc.record({
  announcement: fc.record({ from: bytes(1, 128), seqno: bytes(8, 8), data: bytes(1, 8192), signature: bytes(1, 128) }),
  ageMs: fc.integer({ min: 0, max: 0xffffffff })
})

/** An announcement signed by a fresh Ed25519 identity as gossipsub signs it. */
async function signed(
  kind: 'join' | 'alive' | 'leave' = 'alive',
  ts = Date.now(),
  lifetimeMs?: number
): Promise<SignedAnnouncement> {
  const key = await generateKeyPair('Ed25519')
  const from = Uint8Array.from(peerIdFromPrivateKey(key).toMultihash().bytes)
  const seqno = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1])
  const data = Uint8Array.from(encodeAnnouncement({ kind, name: 'carol', ts, addrs: [], lifetimeMs }))
  const signature = Uint8Array.from(await key.sign(signedBytes({ from, data, seqno }, PRESENCE_TOPIC)))
  return { from, seqno, data, signature }
}

describe('presence sync frames', () => {
  it('pages keep every entry in order, each page within the frame limit, the last marked', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 40 }), (entries) => {
        const pages = encodePages(entries).map((p) => decodePage(p))
        expect(pages.flatMap((p) => p.entries)).toEqual(entries)
        expect(pages.map((p) => p.last)).toEqual(pages.map((_, i) => i === pages.length - 1))
        for (const page of encodePages(entries)) {
          expect(page.byteLength).toBeLessThanOrEqual(MAX_PAGE_BYTES)
        }
      }),
      { numRuns: 50 }
    )
  })

  it('an empty answer is one empty last page; a page never holds more than its entry limit', () => {
    expect(encodePages([]).map((p) => decodePage(p))).toEqual([{ entries: [], last: true }])
    const tiny: SyncEntry = {
      announcement: {
        from: Uint8Array.of(1),
        seqno: new Uint8Array(8),
        data: Uint8Array.of(2),
        signature: Uint8Array.of(3)
      },
      ageMs: 0
    }
    const pages = encodePages(Array.from({ length: MAX_PAGE_ENTRIES + 1 }, () => tiny)).map((p) => decodePage(p))
    expect(pages.map((p) => p.entries.length)).toEqual([MAX_PAGE_ENTRIES, 1])
  })

  it('refuses entries whose fields are out of bounds, with the decoders only error types', () => {
    const good = {
      from: Uint8Array.of(1),
      seqno: new Uint8Array(8),
      data: Uint8Array.of(2),
      signature: Uint8Array.of(3)
    }
    for (const announcement of [
      { ...good, seqno: new Uint8Array(7) },
      { ...good, from: new Uint8Array(0) },
      { ...good, from: new Uint8Array(129) },
      { ...good, data: new Uint8Array(0) },
      { ...good, data: new Uint8Array(8193) },
      { ...good, signature: new Uint8Array(129) }
    ]) {
      const page = PresenceSyncPage.encode({ entries: [{ announcement, ageMs: 0 }], last: true })
      expect(() => decodePage(page)).toThrow(InvalidMessageError)
    }
    expect(() => decodePage(PresenceSyncPage.encode({ entries: [{ ageMs: 0 }], last: true }))).toThrow(
      InvalidMessageError
    )
    expect(() => decodePage(new Uint8Array(MAX_PAGE_BYTES + 1))).toThrow(MessageTooLargeError)
  })

  it('a request asks for at most a full directory; 0 asks for all', () => {
    expect(decodeRequest(encodeRequest(5))).toBe(5)
    expect(decodeRequest(encodeRequest(0))).toBe(MAX_SYNC_ENTRIES)
    expect(decodeRequest(encodeRequest(MAX_SYNC_ENTRIES * 3))).toBe(MAX_SYNC_ENTRIES)
  })
})

describe('signed announcements (libp2p pubsub message signing)', () => {
  it('checks out as its author, and any changed field or another topic breaks it', async () => {
    const a = await signed()
    const author = await verifyAnnouncement(a, PRESENCE_TOPIC)
    expect(author.toMultihash().bytes).toEqual(a.from)
    await expect(verifyAnnouncement(a, '/p2pchat/lobby/1.0.0')).rejects.toThrow(InvalidSignatureError)
    for (const field of ['data', 'seqno', 'signature'] as const) {
      const changed = Uint8Array.from(a[field])
      changed[changed.length - 1] ^= 1
      await expect(verifyAnnouncement({ ...a, [field]: changed }, PRESENCE_TOPIC)).rejects.toThrow(
        InvalidSignatureError
      )
    }
    // someone else's PeerId on the same bytes, and bytes that are no PeerId
    const other = await signed()
    await expect(verifyAnnouncement({ ...a, from: other.from }, PRESENCE_TOPIC)).rejects.toThrow(InvalidSignatureError)
    await expect(verifyAnnouncement({ ...a, from: Uint8Array.of(1, 2, 3) }, PRESENCE_TOPIC)).rejects.toThrow(
      InvalidSignatureError
    )
  })

  it('a synced entry is taken only when signed, a presence message, recent and not a leave', async () => {
    const now = Date.now()
    const good = await signed('alive', now - 1000)
    const taken = await checkSynced({ announcement: good, ageMs: 2000 }, now, 30_000)
    expect(taken?.announcement.name).toBe('carol')
    expect(taken?.heardAt).toBe(now - 2000)
    expect(await checkSynced({ announcement: good, ageMs: 30_001 }, now, 30_000)).toBeUndefined()
    expect(await checkSynced({ announcement: await signed('leave'), ageMs: 0 }, now, 30_000)).toBeUndefined()
    // signed, but no presence message (an old timestamp far outside the allowed skew)
    expect(await checkSynced({ announcement: await signed('alive', 1), ageMs: 0 }, now, 30_000)).toBeUndefined()
    const forged = {
      ...good,
      data: Uint8Array.from(encodeAnnouncement({ kind: 'alive', name: 'mallory', ts: now, addrs: [] }))
    }
    expect(await checkSynced({ announcement: forged, ageMs: 0 }, now, 30_000)).toBeUndefined()
  })

  it('a synced entry is recent within the lifetime its author signed, bounded by MAX_LIFETIME_MS', async () => {
    const now = Date.now()
    // a peer with a relay slot repeats itself every few minutes: a relay's copy is often older than our TTL
    const relayed = await signed('alive', now - 100_000, 360_000)
    expect(await checkSynced({ announcement: relayed, ageMs: 100_000 }, now, 30_000)).toBeDefined()
    expect(await checkSynced({ announcement: relayed, ageMs: 360_001 }, now, 30_000)).toBeUndefined()
    // the age a neighbour states cannot stretch it, nor can the author's own timestamp
    const old = await signed('alive', now - 360_001 - MAX_CLOCK_SKEW_MS, 360_000)
    expect(await checkSynced({ announcement: old, ageMs: 0 }, now, 30_000)).toBeUndefined()
    const greedy = await signed('alive', now - MAX_LIFETIME_MS, 0xffff_ffff)
    expect(await checkSynced({ announcement: greedy, ageMs: MAX_LIFETIME_MS }, now, 30_000)).toBeDefined()
    expect(await checkSynced({ announcement: greedy, ageMs: MAX_LIFETIME_MS + 1 }, now, 30_000)).toBeUndefined()
  })
})

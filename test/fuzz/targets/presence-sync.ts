import fc from 'fast-check'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../../protocols/presence/index.ts'
import { checkSynced } from '../../../protocols/presence/synced.ts'
import {
  decodePage,
  decodeRequest,
  encodePages,
  type SyncEntry,
  signedBytes
} from '../../../protocols/presence-sync/index.ts'
import { PresenceSyncPage, PresenceSyncRequest } from '../../../protocols/presence-sync/pb/presence-sync.ts'
import { NOW, nameArb, type PeerPool, tsArb, uint32Arb } from '../fields.ts'
import { bytesFrom } from '../mutate.ts'
import { defineTarget, type Target } from '../target.ts'
import { decoderTarget, sharedPool } from './codecs.ts'

/** Announcements the pool's identities really signed, so that the checks past the signature are reached too. */
async function signedEntries(pool: PeerPool): Promise<SyncEntry[]> {
  return Promise.all(
    pool.keys.map(async (key, i) => {
      const from = Uint8Array.from(pool.peers[i].toMultihash().bytes)
      const seqno = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, i)
      const data = Uint8Array.from(encodeAnnouncement({ kind: 'alive', name: `peer${i}`, ts: NOW, addrs: [] }))
      const signature = Uint8Array.from(await key.sign(signedBytes({ from, data, seqno }, PRESENCE_TOPIC)))
      return { announcement: { from, seqno, data, signature }, ageMs: i * 1000 }
    })
  )
}

/** Entries of the right shape: from the pool's identities or not, of any kind and age. */
function entryArb(pool: PeerPool): fc.Arbitrary<SyncEntry> {
  return fc.record({
    announcement: fc.record({
      from: pool.peerBytesArb,
      seqno: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Uint8Array.from(b)),
      data: fc
        .record({ kind: fc.constantFrom('alive', 'join', 'leave' as const), name: nameArb, ts: tsArb })
        .map((a) => Uint8Array.from(encodeAnnouncement({ ...a, ts: Number(a.ts), addrs: [] }))),
      signature: fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Uint8Array.from(b))
    }),
    ageMs: uint32Arb
  })
}

const checkedEntries = defineTarget('presence-sync.checkSynced', 'decoder', async () => {
  const pool = await sharedPool()
  const real = await signedEntries(pool)
  const page = fc.array(fc.oneof(fc.constantFrom(...real), entryArb(pool)), { maxLength: 4 })
  return {
    // a page as a peer might send it, mutated: what decodes is checked entry by entry, which never throws
    input: bytesFrom(page.map((entries) => encodePages(entries)[0])),
    run: async (bytes: Uint8Array) => {
      let entries: SyncEntry[]
      try {
        entries = decodePage(bytes).entries
      } catch {
        return
      }
      for (const entry of entries) {
        await checkSynced(entry, NOW, 30_000)
      }
    },
    expected: () => false
  }
})

export const presenceSyncTargets: Target[] = [
  decoderTarget(
    'presence-sync.decodePage',
    (pool) =>
      fc.array(entryArb(pool), { maxLength: 4 }).map((entries) => PresenceSyncPage.encode({ entries, last: true })),
    decodePage
  ),
  decoderTarget(
    'presence-sync.decodeRequest',
    () => uint32Arb.map((limit) => PresenceSyncRequest.encode({ limit })),
    decodeRequest
  ),
  checkedEntries
]

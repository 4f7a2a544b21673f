import { generateKeyPair } from '@libp2p/crypto/keys'
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { describe, expect, it } from 'vitest'
import { Admission } from '../../../protocols/presence/admission.ts'
import {
  MAX_FORWARDED_IDENTITIES_PER_PEER,
  MAX_MISSED_AUTHORS,
  MAX_REFILL_ATTEMPTS,
  REFILL_DELAY_MS,
  REFILL_INTERVAL_MS
} from '../../../protocols/presence/constants.ts'
import { encodeAnnouncement, PRESENCE_TOPIC } from '../../../protocols/presence/index.ts'
import { MissedAuthors, roomiestNeighbour } from '../../../protocols/presence/missed.ts'
import { DirectorySyncer, type DirectorySyncerInit } from '../../../protocols/presence/synced.ts'
import { type SyncEntry, signedBytes } from '../../../protocols/presence-sync/index.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function newPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** Announcements by `count` identities, signed as gossipsub signs them on the presence topic. */
async function announcements(count: number): Promise<SyncEntry[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = await generateKeyPair('Ed25519')
      const from = Uint8Array.from(peerIdFromPrivateKey(key).toMultihash().bytes)
      const seqno = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1])
      const data = Uint8Array.from(encodeAnnouncement({ kind: 'alive', name: `peer${i}`, ts: Date.now(), addrs: [] }))
      const signature = Uint8Array.from(await key.sign(signedBytes({ from, data, seqno }, PRESENCE_TOPIC)))
      return { announcement: { from, seqno, data, signature }, ageMs: 0 }
    })
  )
}

function authorOf(entry: SyncEntry): string {
  return uint8ArrayToString(entry.announcement.from, 'base58btc')
}

function syncer(init: Partial<DirectorySyncerInit>, signal = new AbortController().signal): DirectorySyncer {
  return new DirectorySyncer({
    fetch: async () => [],
    trusted: () => false,
    take: () => true,
    ttlMs: 30_000,
    log: defaultLogger().forComponent('test'),
    signal,
    ...init
  })
}

describe('authors missed because their forwarder was over its introduction budget', () => {
  it('are looked for in the neighbour with room, and only their entries are checked and taken', async () => {
    const directory = await announcements(20)
    const missed = directory.slice(5, 8).map(authorOf)
    const source = await newPeer()
    const taken: string[] = []
    const fetchedFrom: string[] = []
    const s = syncer({
      fetch: async (peer) => {
        fetchedFrom.push(peer.toString())
        return directory
      },
      take: (synced) => {
        taken.push(synced.author.toString())
        return true
      },
      known: (author) => taken.includes(author),
      refillSource: (exclude) => (exclude.has(source.toString()) ? undefined : source)
    })
    for (const author of missed) {
      s.missed(author)
    }
    expect(fetchedFrom).toEqual([])
    await sleep(REFILL_DELAY_MS + 300)
    expect(taken.sort()).toEqual([...missed].sort())
    expect(fetchedFrom).toEqual([source.toString()])
    // all found: nothing more is asked
    await sleep(REFILL_INTERVAL_MS + 300)
    expect(fetchedFrom).toHaveLength(1)
  })

  it('a flood of misses costs one sync per interval, a bounded memory, and stops after a few tries', async () => {
    const fetched: number[] = []
    const started = Date.now()
    let offered = 0
    const s = syncer({
      // nobody has made-up authors: every sync comes back without them
      fetch: async () => {
        fetched.push(Date.now() - started)
        return []
      },
      refillSource: () => {
        offered++
        return peerIdFromPrivateKey(neighbourKey)
      }
    })
    const neighbourKey = await generateKeyPair('Ed25519')
    for (let i = 0; i < MAX_MISSED_AUTHORS * 3; i++) {
      s.missed(`made-up-${i}`)
    }
    await sleep(REFILL_DELAY_MS + MAX_REFILL_ATTEMPTS * REFILL_INTERVAL_MS + 500)
    expect(fetched).toHaveLength(MAX_REFILL_ATTEMPTS)
    for (let i = 1; i < fetched.length; i++) {
      expect(fetched[i] - fetched[i - 1]).toBeGreaterThanOrEqual(REFILL_INTERVAL_MS - 50)
    }
    expect(offered).toBe(MAX_REFILL_ATTEMPTS)
  }, 15_000)

  it('with no neighbour to ask, they are dropped; after shutdown nothing is asked', async () => {
    const fetched: string[] = []
    const none = syncer({
      fetch: async (p) => {
        fetched.push(p.toString())
        return []
      },
      refillSource: () => undefined
    })
    none.missed('someone')
    const controller = new AbortController()
    const neighbour = await newPeer()
    const stopped = syncer(
      {
        fetch: async (p) => {
          fetched.push(p.toString())
          return []
        },
        refillSource: () => neighbour
      },
      controller.signal
    )
    stopped.missed('someone')
    controller.abort()
    await sleep(REFILL_DELAY_MS + 300)
    expect(fetched).toEqual([])
  })
})

describe('MissedAuthors', () => {
  it('never holds more than its bound; an author stays until listed or looked for MAX_REFILL_ATTEMPTS times', () => {
    const op = fc.oneof(
      fc.record({ add: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ list: fc.integer({ min: 0, max: 40 }) }),
      fc.constant({ looked: true as const })
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const limit = 16
        const missed = new MissedAuthors(limit)
        // the model: author -> times looked for
        const model = new Map<string, number>()
        const listed = new Set<string>()
        for (const o of ops) {
          if ('add' in o) {
            const author = `a${o.add}`
            const room = model.has(author) || model.size < limit
            expect(missed.add(author)).toBe(room)
            if (room && !model.has(author)) {
              model.set(author, 0)
            }
          } else if ('list' in o) {
            listed.add(`a${o.list}`)
            missed.forgetListed((a) => listed.has(a))
            for (const a of listed) {
              model.delete(a)
            }
          } else {
            missed.looked()
            for (const [a, n] of model) {
              if (n + 1 >= MAX_REFILL_ATTEMPTS) {
                model.delete(a)
              } else {
                model.set(a, n + 1)
              }
            }
          }
          expect(missed.size).toBe(model.size)
          expect(missed.size).toBeLessThanOrEqual(limit)
          for (const a of model.keys()) {
            expect(missed.has(a)).toBe(true)
          }
        }
      })
    )
  })

  it('the neighbour asked is the one with the most room, not one asked already, and none without room', async () => {
    const [a, b, c] = await Promise.all([newPeer(), newPeer(), newPeer()])
    const room = new Map([
      [a.toString(), 3],
      [b.toString(), 10],
      [c.toString(), 0]
    ])
    const of = (p: PeerId): number => room.get(p.toString()) ?? 0
    expect(roomiestNeighbour([a, b, c], new Set(), of)?.toString()).toBe(b.toString())
    expect(roomiestNeighbour([a, b, c], new Set([b.toString()]), of)?.toString()).toBe(a.toString())
    expect(roomiestNeighbour([a, b, c], new Set([a.toString(), b.toString()]), of)).toBeUndefined()
  })
})

describe('the presence validator', () => {
  it('reports each author it ignores over its forwarder budget, and no other', async () => {
    const forwarder = await newPeer()
    const refused: string[] = []
    const admission = new Admission({
      connectionManager: { getConnections: () => [], closeConnections: async () => {} },
      trusted: () => false,
      known: () => false,
      refused: (author) => refused.push(author),
      log: defaultLogger().forComponent('test')
    })
    const authors = await Promise.all(Array.from({ length: MAX_FORWARDED_IDENTITIES_PER_PEER + 2 }, newPeer))
    const verdicts = authors.map((from) =>
      admission.gossip(forwarder, {
        type: 'signed',
        from,
        topic: PRESENCE_TOPIC,
        data: encodeAnnouncement({ kind: 'alive', name: 'x', ts: Date.now(), addrs: [] }),
        sequenceNumber: 1n,
        signature: new Uint8Array(64),
        key: from.publicKey!
      } as Message)
    )
    expect(verdicts.filter((v) => v === TopicValidatorResult.Accept)).toHaveLength(MAX_FORWARDED_IDENTITIES_PER_PEER)
    expect(refused).toEqual(authors.slice(MAX_FORWARDED_IDENTITIES_PER_PEER).map((a) => a.toString()))
  })
})

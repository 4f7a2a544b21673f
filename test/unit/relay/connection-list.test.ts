import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, PeerId } from '@libp2p/interface'
import { PeerMap } from '@libp2p/peer-collections'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type ConnectionLists, linearConnectionList } from '../../../relay/connection-list.ts'

async function peerIds(n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

/** A connection manager that lists connections as libp2p 3.3 does: one concat per peer. */
function libp2pLike(ids: PeerId[], perPeer: number[]): ConnectionLists & { peers: PeerId[] } {
  const map = new PeerMap<Connection[]>()
  const peers: PeerId[] = []
  perPeer.forEach((count, p) => {
    const peer = ids[p]
    peers.push(peer)
    map.set(
      peer,
      Array.from({ length: count }, (_, i) => ({ id: `${p}/${i}` }) as Connection)
    )
  })
  return {
    peers,
    getConnectionsMap: () => map,
    getConnections(peerId?: PeerId): Connection[] {
      if (peerId != null) {
        return map.get(peerId) ?? []
      }
      let conns: Connection[] = []
      for (const c of map.values()) {
        conns = conns.concat(c)
      }
      return conns
    }
  }
}

const ids_ = (connections: Connection[]): string[] => connections.map((c) => c.id).sort()

/** What libp2p's connection manager does to its map: connect (push onto the peer's array, set), disconnect, stop. */
type Change = { kind: 'open'; peer: number } | { kind: 'close'; peer: number; which: number } | { kind: 'clear' }

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('open' as const), peer: fc.integer({ min: 0, max: 9 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('close' as const),
      peer: fc.integer({ min: 0, max: 9 }),
      which: fc.nat(3)
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) }
)

/** Applies `change` to `map` exactly as libp2p 3.3's onConnect, onDisconnect and stop do. */
function apply(map: PeerMap<Connection[]>, ids: PeerId[], change: Change, serial: number): void {
  if (change.kind === 'clear') {
    map.clear()
    return
  }
  const peer = ids[change.peer]
  const stored = map.get(peer) ?? []
  if (change.kind === 'open') {
    stored.push({ id: `c${serial}` } as Connection)
    map.set(peer, stored)
    return
  }
  const gone = stored[change.which % Math.max(1, stored.length)]
  if (gone == null) {
    return
  }
  const left = stored.filter((c) => c.id !== gone.id)
  map.set(peer, left)
  if (left.length === 0) {
    map.delete(peer)
  }
}

describe('the relay lists its connections without walking them', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('gives the same lists as libp2p, for everyone and per peer', async () => {
    const ids = await peerIds(40)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), (perPeer) => {
        const manager = libp2pLike(ids, perPeer)
        const before = manager.getConnections().map((c) => c.id)
        const ofPeer = manager.peers.map((p) => manager.getConnections(p))
        linearConnectionList(manager)
        expect(ids_(manager.getConnections())).toEqual([...before].sort())
        expect(manager.peers.map((p) => manager.getConnections(p))).toEqual(ofPeer)
      })
    )
  })

  it('copies no list per peer: libp2p concatenated once per peer, each copy as long as all before it', async () => {
    const manager = libp2pLike(
      await peerIds(2000),
      Array.from({ length: 2000 }, () => 1)
    )
    const concat = vi.spyOn(Array.prototype, 'concat')
    manager.getConnections()
    expect(concat).toHaveBeenCalledTimes(2000)
    concat.mockClear()
    linearConnectionList(manager)
    expect(manager.getConnections()).toHaveLength(2000)
    expect(concat).not.toHaveBeenCalled()
  })

  it('keeps the same connections as the map of libp2p through any sequence of opens, closes and stops', async () => {
    const ids = await peerIds(10)
    fc.assert(
      fc.property(
        fc.array(changeArb, { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 10 }),
        (changes, initial) => {
          const manager = libp2pLike(ids, initial)
          const map = manager.getConnectionsMap()
          linearConnectionList(manager)
          changes.forEach((change, i) => {
            apply(map, ids, change, i)
            const plain = [...map.values()].flat()
            expect(ids_(manager.getConnections())).toEqual(ids_(plain))
          })
        }
      )
    )
  })

  it('does not walk the map to list everyone (a relay asks at every newcomer, twice)', async () => {
    const manager = libp2pLike(
      await peerIds(50),
      Array.from({ length: 50 }, () => 1)
    )
    const map = manager.getConnectionsMap()
    linearConnectionList(manager)
    const walks = [vi.spyOn(map, 'values'), vi.spyOn(map, 'entries'), vi.spyOn(map, 'forEach')]
    const list = manager.getConnections()
    expect(list).toHaveLength(50)
    for (const walk of walks) {
      expect(walk).not.toHaveBeenCalled()
    }
    // a copy: libp2p's pruner sorts what it gets
    list.reverse()
    expect(ids_(manager.getConnections())).toEqual(ids_(list))
    expect(manager.getConnections()).not.toBe(list)
  })
})

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

describe('the relay lists its connections in one pass', () => {
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
        expect(manager.getConnections().map((c) => c.id)).toEqual(before)
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
})

import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { AutoDialer } from '../../../node/auto-dialer.ts'
import { MIN_NEIGHBOURS } from '../../../node/constants.ts'
import { LanDiscoveries } from '../../../node/lan-discoveries.ts'
import type { ChatLibp2p } from '../../../node/libp2p.ts'

async function peerIds(count: number): Promise<PeerId[]> {
  const ids = await Promise.all(
    Array.from({ length: count }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
  )
  // the lowest first: it dials the others at once (dialsFirst) instead of waiting for them to dial it
  return ids.sort((a, b) => (a.toString() < b.toString() ? -1 : 1))
}

/** Just what the auto-dialer uses of a started libp2p node: it holds `connections` and records what is dialed. */
function fakeNode(self: PeerId, connections: number): { node: ChatLibp2p; dialed: string[]; heard: EventTarget } {
  const dialed: string[] = []
  const heard = new EventTarget()
  const fake = {
    peerId: self,
    status: 'started',
    logger: defaultLogger(),
    addEventListener: heard.addEventListener.bind(heard),
    removeEventListener: heard.removeEventListener.bind(heard),
    getConnections: (peer?: PeerId) => (peer == null ? Array.from({ length: connections }) : []),
    peerStore: { merge: async () => {} },
    dial: async (addrs: unknown[]) => {
      dialed.push(String(addrs[0]))
      return {}
    }
  }
  return { node: fake as unknown as ChatLibp2p, dialed, heard }
}

const info = (id: PeerId, port: number): PeerInfo => ({ id, multiaddrs: [multiaddr(`/ip4/10.0.0.2/tcp/${port}`)] })

describe('which discovered peers the auto-dialer dials', () => {
  it('a peer only heard of (presence put it in the peer store) while we have few neighbours; a LAN find always', async () => {
    const [self, heardOf, found] = await peerIds(3)
    for (const connections of [0, MIN_NEIGHBOURS - 1, MIN_NEIGHBOURS, 50]) {
      const { node, dialed, heard } = fakeNode(self, connections)
      const lan = new LanDiscoveries()
      const dialer = new AutoDialer(node, { bootstrap: [], discoveries: lan })
      dialer.start()
      heard.dispatchEvent(new CustomEvent('peer:discovery', { detail: info(heardOf, 1) }))
      lan.safeDispatchEvent('peer', { detail: info(found, 2) })
      await new Promise((resolve) => setTimeout(resolve, 20))
      dialer.stop()
      const expected = connections < MIN_NEIGHBOURS ? [heardOf, found] : [found]
      expect(dialed.map((a) => a.split('/p2p/')[1]).sort()).toEqual(expected.map((p) => p.toString()).sort())
    }
  })

  it('a crowd heard of at once (a presence sync) is dialed only up to the neighbours we lack', async () => {
    const [self, ...crowd] = await peerIds(30)
    const { node, dialed, heard } = fakeNode(self, 3)
    const dialer = new AutoDialer(node, { bootstrap: [], discoveries: new LanDiscoveries() })
    dialer.start()
    for (const [i, peer] of crowd.entries()) {
      heard.dispatchEvent(new CustomEvent('peer:discovery', { detail: info(peer, i + 1) }))
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    dialer.stop()
    expect(dialed).toHaveLength(MIN_NEIGHBOURS - 3)
  })

  it('without a LAN source, every peer new to the peer store, as before', async () => {
    const [self, heardOf] = await peerIds(2)
    const { node, dialed, heard } = fakeNode(self, 50)
    const dialer = new AutoDialer(node, { bootstrap: [] })
    dialer.start()
    heard.dispatchEvent(new CustomEvent('peer:discovery', { detail: info(heardOf, 1) }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    dialer.stop()
    expect(dialed).toHaveLength(1)
  })
})

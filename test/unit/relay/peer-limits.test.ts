import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { MAX_CONNECTIONS_PER_PEER, PeerLimits } from '../../../relay/peer-limits.ts'

async function newPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function conn(peer: PeerId, ip: string): Pick<Connection, 'remotePeer' | 'remoteAddr'> {
  return { remotePeer: peer, remoteAddr: multiaddr(`/ip4/${ip}/tcp/5000`) }
}

function limits(conns: Array<Pick<Connection, 'remotePeer' | 'remoteAddr'>>, reserved: PeerId[]): PeerLimits {
  return new PeerLimits({
    connections: () => conns as Connection[],
    reservations: () => reserved,
    maxConnectionsPerIp: () => 4,
    maxReservationsPerIp: () => 2
  })
}

describe('relay per-IP and per-peer limits', () => {
  it('refuses connections past the per-IP total whatever the PeerIds, and past the per-peer total', async () => {
    const conns = []
    for (let i = 0; i < 4; i++) {
      conns.push(conn(await newPeer(), '10.6.6.6'))
    }
    const l = limits(conns, [])
    expect(l.refuseConnection(multiaddr('/ip4/10.6.6.6/tcp/1'))).toMatch(/IP address/)
    expect(l.refuseConnection(multiaddr('/ip4/10.0.0.1/tcp/1'))).toBeUndefined()
    const one = await newPeer()
    const many = Array.from({ length: MAX_CONNECTIONS_PER_PEER }, (_, i) => conn(one, `10.1.0.${i}`))
    expect(limits(many, []).refuseConnection(multiaddr('/ip4/10.2.0.1/tcp/1'), one)).toMatch(/peer/)
  })

  it('refuses a relay slot once the peers of its IP hold their share', async () => {
    const [a, b, c, d] = await Promise.all([newPeer(), newPeer(), newPeer(), newPeer()])
    const conns = [conn(a, '10.6.6.6'), conn(b, '10.6.6.6'), conn(c, '10.6.6.6'), conn(d, '10.0.0.9')]
    const l = limits(conns, [a, b])
    expect(l.refuseReservation(c)).toMatch(/relay slots/)
    expect(l.refuseReservation(d)).toBeUndefined()
    // renewing a slot it holds is not a new one
    expect(limits(conns, [a]).refuseReservation(a)).toBeUndefined()
  })
})

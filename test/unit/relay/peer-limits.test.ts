import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ipOf } from '../../../protocols/common/index.ts'
import { type LimitedConnection, MAX_CONNECTIONS_PER_PEER, PeerLimits } from '../../../relay/peer-limits.ts'

async function newPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function conn(peer: PeerId, ip: string): LimitedConnection {
  return { remotePeer: peer, remoteAddr: multiaddr(`/ip4/${ip}/tcp/5000`) }
}

function limits(conns: LimitedConnection[], reserved: PeerId[], perIp = { connections: 4, slots: 2 }): PeerLimits {
  const l = new PeerLimits({
    holdsSlot: (peer) => reserved.some((r) => r.equals(peer)),
    maxConnectionsPerIp: () => perIp.connections,
    maxReservationsPerIp: () => perIp.slots
  })
  for (const c of conns) {
    l.opened(c)
  }
  return l
}

/** The plain definition of the limits, scanning every connection, that the indexes must agree with. */
const oracle = {
  refuseConnection(conns: LimitedConnection[], ip: string, peer: PeerId, maxPerIp: number): string | undefined {
    if (conns.filter((c) => ipOf(c.remoteAddr) === ip).length >= maxPerIp) {
      return 'too many connections from this IP address'
    }
    if (conns.filter((c) => c.remotePeer.equals(peer)).length >= MAX_CONNECTIONS_PER_PEER) {
      return 'too many connections from this peer'
    }
    return undefined
  },
  refuseReservation(conns: LimitedConnection[], reserved: PeerId[], peer: PeerId, max: number): string | undefined {
    const ipsOf = (p: PeerId): Array<string | undefined> =>
      conns.filter((c) => c.remotePeer.equals(p)).map((c) => ipOf(c.remoteAddr))
    const mine = new Set(ipsOf(peer))
    const held = reserved.filter((h) => !h.equals(peer) && ipsOf(h).some((ip) => mine.has(ip))).length
    return mine.size > 0 && held >= max ? 'too many relay slots for this IP address' : undefined
  }
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

  it('forgets closed connections: their IP and PeerId get their budget back', async () => {
    const [a, b] = await Promise.all([newPeer(), newPeer()])
    const first = conn(a, '10.6.6.6')
    const l = limits([first, conn(b, '10.6.6.6')], [a], { connections: 2, slots: 1 })
    expect(l.refuseConnection(multiaddr('/ip4/10.6.6.6/tcp/1'))).toMatch(/IP address/)
    expect(l.refuseReservation(b)).toMatch(/relay slots/)
    expect(l.ipOfPeer(a)).toBe('10.6.6.6')
    l.closed(first)
    l.closed(first)
    expect(l.refuseConnection(multiaddr('/ip4/10.6.6.6/tcp/1'))).toBeUndefined()
    expect(l.refuseReservation(b)).toBeUndefined()
    expect(l.ipOfPeer(a)).toBeUndefined()
  })

  it('answers as a scan of every open connection would, after any opens and closes', async () => {
    const peers = await Promise.all(Array.from({ length: 6 }, newPeer))
    const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3']
    const step = fc.record({
      open: fc.boolean(),
      peer: fc.nat(peers.length - 1),
      ip: fc.nat(ips.length - 1),
      reserve: fc.boolean()
    })
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (steps, max) => {
        const open: LimitedConnection[] = []
        const reserved: PeerId[] = []
        const l = limits([], reserved, { connections: max, slots: max })
        for (const s of steps) {
          const peer = peers[s.peer]
          if (s.open) {
            const c = conn(peer, ips[s.ip])
            open.push(c)
            l.opened(c)
          } else {
            const i = open.findIndex((c) => c.remotePeer.equals(peer))
            if (i >= 0) {
              l.closed(open.splice(i, 1)[0])
            }
          }
          if (s.reserve && !reserved.some((r) => r.equals(peer))) {
            reserved.push(peer)
          }
          for (const p of peers) {
            expect(l.refuseReservation(p)).toBe(oracle.refuseReservation(open, reserved, p, max))
            for (const ip of ips) {
              expect(l.refuseConnection(multiaddr(`/ip4/${ip}/tcp/1`), p)).toBe(
                oracle.refuseConnection(open, ip, p, max)
              )
            }
          }
        }
      }),
      { numRuns: 200 }
    )
  })
})

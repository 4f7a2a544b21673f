import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, Libp2pEvents, MultiaddrConnection, PeerId } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  DirectUpgrade,
  MAX_CONCURRENT_UPGRADES,
  refuseUnconnectedWebRtc,
  routeOf,
  webrtcAddrVia
} from '../../../node/direct-upgrade.ts'
import { IceServers, stunUrl } from '../../../node/ice-servers.ts'

const RELAY_ADDR = '/ip4/198.51.100.1/tcp/4100/p2p/12D3KooWDRbwz5ptDyGwy83BtcsAyKpdgMNcs8UsPePUu7YKYzrm'

async function newPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

let ids = 0

/** A connection as DirectUpgrade reads it. */
function fakeConnection(peer: PeerId, init: { direct: boolean; direction?: 'inbound' | 'outbound' }): Connection {
  const remoteAddr = init.direct
    ? multiaddr(`/ip4/198.51.100.9/tcp/1/p2p/${peer}`)
    : multiaddr(`${RELAY_ADDR}/p2p-circuit/p2p/${peer}`)
  const fake: Partial<Connection> = {
    id: `c${ids++}`,
    remotePeer: peer,
    remoteAddr,
    status: 'open',
    direct: init.direct,
    direction: init.direction ?? 'outbound'
  }
  return fake as Connection
}

/** DirectUpgrade over a fake connection manager whose dials stay pending until the test settles them. */
function harness() {
  const events = new TypedEventEmitter<Libp2pEvents>()
  const connections: Connection[] = []
  const dials: Array<{ target: string; resolve: () => void; reject: (err: Error) => void }> = []
  /** targets dialed and not settled yet, and whether a target was ever dialed while already in flight */
  const inFlight = new Set<string>()
  const seen = { overlap: false, most: 0 }
  const upgrade = new DirectUpgrade(
    {
      events,
      logger: defaultLogger(),
      connectionManager: {
        getConnections: (peer?: PeerId) => connections.filter((c) => peer == null || c.remotePeer.equals(peer)),
        getDialQueue: () => [],
        openConnection: async (target) => {
          const key = target.toString()
          seen.overlap ||= inFlight.has(key)
          inFlight.add(key)
          seen.most = Math.max(seen.most, inFlight.size)
          try {
            return await new Promise<Connection>((resolve, reject) => {
              dials.push({ target: key, resolve: () => resolve(connections[0]), reject })
            })
          } finally {
            inFlight.delete(key)
          }
        }
      }
    },
    { relays: ['12D3KooWDRbwz5ptDyGwy83BtcsAyKpdgMNcs8UsPePUu7YKYzrm'], ice: new IceServers() }
  )
  const open = (connection: Connection): void => {
    connections.push(connection)
    events.safeDispatchEvent('connection:open', { detail: connection })
  }
  const close = (connection: Connection): void => {
    connections.splice(connections.indexOf(connection), 1)
    events.safeDispatchEvent('connection:close', { detail: connection })
  }
  upgrade.start()
  return { upgrade, open, close, dials, seen }
}

/** Lets the attempts' awaits run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve()
  }
}

describe('direct upgrade', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('dials a relayed peer again over WebRTC through the same relay, at most MAX_CONCURRENT_UPGRADES at once', async () => {
    const { open, dials, upgrade } = harness()
    const peers = await Promise.all(Array.from({ length: MAX_CONCURRENT_UPGRADES + 2 }, newPeer))
    for (const peer of peers) {
      open(fakeConnection(peer, { direct: false }))
    }
    await settle()
    expect(dials.map((d) => d.target)).toEqual(
      peers.slice(0, MAX_CONCURRENT_UPGRADES).map((p) => `${RELAY_ADDR}/p2p-circuit/webrtc/p2p/${p}`)
    )
    // one fails: the next waiting peer gets its turn, the failed one waits for its backoff
    dials[0].reject(new Error('ICE failed'))
    await settle()
    expect(dials).toHaveLength(MAX_CONCURRENT_UPGRADES + 1)
    expect(dials.at(-1)?.target).toContain(peers[MAX_CONCURRENT_UPGRADES].toString())
    expect(upgrade.route(peers[0].toString())).toBe('relay')
    upgrade.stop()
  })

  it('leaves a relayed connection the other side dialed to that side, and reports the route when it turns direct', async () => {
    const { open, close, dials, upgrade } = harness()
    const routes: string[] = []
    upgrade.addEventListener('route', (e) => routes.push(e.detail.via))
    const peer = await newPeer()
    const relayed = fakeConnection(peer, { direct: false, direction: 'inbound' })
    open(relayed)
    await settle()
    expect(dials).toEqual([])
    const direct = fakeConnection(peer, { direct: true, direction: 'inbound' })
    open(direct)
    expect(upgrade.route(peer.toString())).toBe('direct')
    close(direct)
    close(relayed)
    expect(upgrade.route(peer.toString())).toBeUndefined()
    expect(routes).toEqual(['relay', 'direct', 'relay'])
    // a peer first met directly (the LAN) is not announced
    const neighbour = await newPeer()
    open(fakeConnection(neighbour, { direct: true }))
    expect(upgrade.route(neighbour.toString())).toBe('direct')
    expect(routes).toHaveLength(3)
    upgrade.stop()
  })

  it('never runs two attempts for one peer, whatever opens and closes', async () => {
    vi.useFakeTimers()
    const peers = await Promise.all(Array.from({ length: 3 }, newPeer))
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), fc.constantFrom('open', 'close', 'fail', 'tick')), { maxLength: 40 }),
        async (steps) => {
          const { open, close, dials, upgrade, seen } = harness()
          const live = new Map<number, Connection[]>()
          for (const [i, step] of steps) {
            if (step === 'open') {
              const c = fakeConnection(peers[i], { direct: false })
              live.set(i, [...(live.get(i) ?? []), c])
              open(c)
            } else if (step === 'close' && (live.get(i) ?? []).length > 0) {
              close(live.get(i)!.shift()!)
            } else if (step === 'fail') {
              dials.find((d) => d.target.endsWith(peers[i].toString()))?.reject(new Error('failed'))
            } else {
              await vi.advanceTimersByTimeAsync(60_000)
            }
            await settle()
          }
          expect(seen.overlap).toBe(false)
          expect(seen.most).toBeLessThanOrEqual(MAX_CONCURRENT_UPGRADES)
          upgrade.stop()
        }
      ),
      { numRuns: 50 }
    )
  })
})

describe('routes and addresses', () => {
  it('a peer is direct with one direct connection open, relayed with only relayed ones', () => {
    expect(routeOf([])).toBeUndefined()
    expect(routeOf([{ status: 'open', direct: false }])).toBe('relay')
    expect(
      routeOf([
        { status: 'open', direct: false },
        { status: 'open', direct: true }
      ])
    ).toBe('direct')
    expect(routeOf([{ status: 'closing', direct: true }])).toBeUndefined()
  })

  it('builds the WebRTC address through the relay of a circuit address', async () => {
    const peer = await newPeer()
    expect(webrtcAddrVia(multiaddr(`${RELAY_ADDR}/p2p-circuit/p2p/${peer}`), peer)?.toString()).toBe(
      `${RELAY_ADDR}/p2p-circuit/webrtc/p2p/${peer}`
    )
    expect(webrtcAddrVia(multiaddr('/ip4/1.2.3.4/tcp/1'), peer)).toBeUndefined()
  })

  it('uses the host the relay was reached at, with the port the relay told', () => {
    expect(stunUrl(multiaddr('/ip4/198.51.100.1/tcp/4100'), 3478)).toBe('stun:198.51.100.1:3478')
    expect(stunUrl(multiaddr('/ip6/2001:db8::1/tcp/4100'), 3479)).toBe('stun:[2001:db8::1]:3479')
    expect(stunUrl(multiaddr('/dns4/relay.example.org/tcp/4100'), 3478)).toBe('stun:relay.example.org:3478')
    const ice = new IceServers()
    ice.learn('r1', multiaddr('/ip4/198.51.100.1/tcp/4100'), 3478)
    ice.learn('r2', multiaddr('/ip4/198.51.100.2/tcp/4100'), 0)
    expect(ice.configuration()).toEqual({ iceServers: [{ urls: ['stun:198.51.100.1:3478'] }] })
    ice.forget('r1')
    expect(ice.configuration()).toEqual({ iceServers: [] })
  })
})

describe('refuseUnconnectedWebRtc', () => {
  it('refuses an inbound WebRTC connection ICE never connected, and asks the wrapped gater about the rest', async () => {
    const blocked = new Set(['tcp'])
    const gater = refuseUnconnectedWebRtc({
      denyInboundConnection: (maConn) => [...blocked].some((p) => maConn.remoteAddr.toString().includes(`/${p}/`))
    })
    const conn = (extra: object, addr = '/ip4/1.2.3.4/udp/1'): MultiaddrConnection => {
      const fake: Partial<MultiaddrConnection> = { remoteAddr: multiaddr(addr), ...extra }
      return fake as MultiaddrConnection
    }
    expect(await gater.denyInboundConnection?.(conn({ peerConnection: { connectionState: 'new' } }))).toBe(true)
    expect(await gater.denyInboundConnection?.(conn({ peerConnection: { connectionState: 'connected' } }))).toBe(false)
    expect(await gater.denyInboundConnection?.(conn({}))).toBe(false)
    expect(await gater.denyInboundConnection?.(conn({}, '/ip4/1.2.3.4/tcp/1'))).toBe(true)
  })
})

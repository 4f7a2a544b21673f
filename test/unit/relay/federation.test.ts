import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Libp2pEvents, PeerId, PeerStore } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseSetting, validateConfig } from '../../../relay/config.ts'
import { ConfigError } from '../../../relay/errors.ts'
import {
  FEDERATION_REDIAL_BASE_MS,
  FEDERATION_REDIAL_MAX_MS,
  Federation,
  federationPeers
} from '../../../relay/federation.ts'

async function newPeerId(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

describe('federation peers in the config', () => {
  it('takes multiaddrs that end in a PeerId, from relay.json and from /admin set', async () => {
    const id = (await newPeerId()).toString()
    const addr = `/ip4/198.51.100.7/tcp/4100/p2p/${id}`
    expect(validateConfig({ peers: [addr] }).peers).toEqual([addr])
    expect(parseSetting('peers', addr)).toEqual({ peers: [addr] })
  })

  it('refuses addresses without a PeerId, circuit addresses, junk and overlong lists', async () => {
    const id = (await newPeerId()).toString()
    for (const peers of [
      ['/ip4/198.51.100.7/tcp/4100'],
      [`/ip4/198.51.100.7/tcp/4100/p2p/${id}/p2p-circuit/p2p/${id}`],
      ['/p2p/not-a-peer-id'],
      'x',
      [7],
      Array.from({ length: 33 }, () => `/ip4/198.51.100.7/tcp/4100/p2p/${id}`)
    ]) {
      expect(() => validateConfig({ peers })).toThrow(ConfigError)
    }
  })

  it('groups addresses by relay and leaves out our own', async () => {
    const [self, a, b] = await Promise.all([newPeerId(), newPeerId(), newPeerId()])
    const peers = federationPeers(
      [
        `/ip4/198.51.100.1/tcp/4100/p2p/${a}`,
        `/ip4/198.51.100.2/tcp/4100/p2p/${self}`,
        `/ip6/2001:db8::1/tcp/4100/p2p/${a}`,
        `/dns4/b.example.org/tcp/4100/p2p/${b}`
      ],
      self
    )
    expect(peers.map((p) => [p.id.toString(), p.addrs.length])).toEqual([
      [a.toString(), 2],
      [b.toString(), 1]
    ])
  })
})

describe('Federation', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  function setUp(peer: PeerId, outcomes: boolean[]) {
    const events = new TypedEventEmitter<Libp2pEvents>()
    const dials: number[] = []
    let connected = false
    const merged: string[] = []
    const peerStore: Pick<PeerStore, 'merge'> = {
      merge: async (id) => {
        merged.push(id.toString())
        return { id, addresses: [], protocols: [], metadata: new Map(), tags: new Map() }
      }
    }
    const changes: Array<[string, boolean]> = []
    const federation = new Federation(
      {
        peerStore: peerStore as PeerStore,
        events,
        dial: async () => {
          dials.push(Date.now())
          if (outcomes.shift() !== true) {
            throw new Error('unreachable')
          }
          connected = true
          events.safeDispatchEvent('peer:connect', { detail: peer })
        },
        connected: () => connected,
        logger: defaultLogger(),
        changed: (p, linked) => changes.push([p.toString(), linked])
      },
      [{ id: peer, addrs: [] }]
    )
    const drop = (): void => {
      connected = false
      events.safeDispatchEvent('peer:disconnect', { detail: peer })
    }
    return { federation, dials, merged, changes, drop }
  }

  it('dials at start, redials with growing backoff while unreachable, and again after a drop', async () => {
    vi.useFakeTimers()
    const peer = await newPeerId()
    const { federation, dials, merged, changes, drop } = setUp(peer, [false, false, false, true, true])
    await federation.start()
    expect(merged).toEqual([peer.toString()])
    expect(federation.has(peer)).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(dials).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(FEDERATION_REDIAL_BASE_MS * 1.2)
    expect(dials).toHaveLength(2)
    // the third wait is about four times the first: not before 3.2 s
    await vi.advanceTimersByTimeAsync(FEDERATION_REDIAL_BASE_MS * 2.4)
    expect(dials).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(FEDERATION_REDIAL_BASE_MS * 4.8)
    expect(dials).toHaveLength(4)
    expect(changes).toEqual([[peer.toString(), true]])

    drop()
    expect(changes.at(-1)).toEqual([peer.toString(), false])
    await vi.advanceTimersByTimeAsync(FEDERATION_REDIAL_BASE_MS)
    expect(dials).toHaveLength(5)
    expect(changes.at(-1)).toEqual([peer.toString(), true])
    federation.stop()
  })

  it('waits at most FEDERATION_REDIAL_MAX_MS between dials of a relay that stays down, and stops dialing on stop', async () => {
    vi.useFakeTimers()
    const peer = await newPeerId()
    const { federation, dials } = setUp(peer, [])
    await federation.start()
    await vi.advanceTimersByTimeAsync(30 * FEDERATION_REDIAL_MAX_MS)
    const gaps = dials.slice(1).map((t, i) => t - dials[i])
    expect(Math.max(...gaps)).toBeLessThanOrEqual(FEDERATION_REDIAL_MAX_MS * 1.2)
    expect(dials.length).toBeGreaterThan(20)
    federation.stop()
    const count = dials.length
    await vi.advanceTimersByTimeAsync(10 * FEDERATION_REDIAL_MAX_MS)
    expect(dials).toHaveLength(count)
  })

  it('counts only configured PeerIds as peer relays', async () => {
    const [peer, other] = await Promise.all([newPeerId(), newPeerId()])
    const { federation } = setUp(peer, [])
    expect(federation.has(other)).toBe(false)
    expect(federation.list()).toEqual([peer.toString()])
  })
})

import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OurRelays, reachOurRelaysAsConfigured } from '../../../node/our-relays.ts'

const RELAY = '12D3KooWSmDiyAkuEbjEY1vqXfeXGSpY2LnWMFWNo4bGPBZXhVy5'
const OTHER_RELAY = '12D3KooWFZauQNbCqBXRUkTHAGnPfUYSBwAKGsJmdeey3kGqPRsK'
const PEER = '12D3KooWN4NngiVR2ELzCwq2CAkRrGDTQvNWZrxjV4sq99CSYgC8'
const OURS = `/ip4/198.18.1.1/tcp/4001/p2p/${RELAY}`

describe('our relays', () => {
  const ours = new OurRelays([OURS])

  it('knows its relays by PeerId, once each, and nothing that is not a relay address', () => {
    const several = new OurRelays([
      OURS,
      `/ip4/127.0.0.1/tcp/4001/p2p/${RELAY}`,
      `/dns4/relay.example/tcp/4001/p2p/${OTHER_RELAY}`,
      'junk',
      '/ip4/10.0.0.1/tcp/1'
    ])
    expect(several.peerIds()).toEqual([RELAY, OTHER_RELAY])
    expect(several.has(RELAY)).toBe(true)
    expect(several.has(PEER)).toBe(false)
  })

  it('reads a circuit through our relay at another of its addresses as going through the one we use', () => {
    const announced = multiaddr(`/ip4/198.18.13.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`)
    expect(ours.localize(announced).toString()).toBe(`${OURS}/p2p-circuit/p2p/${PEER}`)
    const viaOther = multiaddr(`/ip4/10.0.0.1/tcp/4001/p2p/${OTHER_RELAY}/p2p-circuit/p2p/${PEER}`)
    expect(ours.localize(viaOther)).toBe(viaOther)
    const direct = multiaddr(`/ip4/10.0.0.9/tcp/5000/p2p/${PEER}`)
    expect(ours.localize(direct)).toBe(direct)
  })

  it('dials our relay, directly or as a first hop, only where we reach it', async () => {
    const gater = reachOurRelaysAsConfigured(ours)
    const deny = (text: string) => gater.denyDialMultiaddr?.(multiaddr(text))
    expect(await deny(OURS)).toBe(false)
    expect(await deny(`/ip4/198.18.13.1/tcp/4001/p2p/${RELAY}`)).toBe(true)
    expect(await deny(`/ip4/198.18.1.1/tcp/4002/ws/p2p/${RELAY}`)).toBe(true)
    expect(await deny(`${OURS}/p2p-circuit/p2p/${PEER}`)).toBe(false)
    expect(await deny(`/ip4/198.18.13.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`)).toBe(true)
    // anyone else, and other relays, anywhere
    expect(await deny(`/ip4/198.18.13.1/tcp/4001/p2p/${OTHER_RELAY}`)).toBe(false)
    expect(await deny(`/ip4/10.0.0.9/tcp/5000/p2p/${PEER}`)).toBe(false)
    expect(await deny('/ip4/10.0.0.9/tcp/5000')).toBe(false)
  })

  it('keeps what the gater it wraps refuses', async () => {
    const gater = reachOurRelaysAsConfigured(ours, { denyDialMultiaddr: (ma) => ma.toString().includes('10.0.0.9') })
    expect(await gater.denyDialMultiaddr?.(multiaddr(`/ip4/10.0.0.9/tcp/5000/p2p/${PEER}`))).toBe(true)
    expect(await gater.denyDialMultiaddr?.(multiaddr(OURS))).toBe(false)
  })

  it('dials a relay given by a DNS name wherever it is: its resolved addresses cannot be compared', async () => {
    const named = new OurRelays([`/dns4/relay.example/tcp/4001/p2p/${RELAY}`])
    expect(named.isOtherRoute(multiaddr(`/ip4/198.18.13.1/tcp/4001/p2p/${RELAY}`))).toBe(false)
    expect(named.addrOf(RELAY)?.toString()).toBe(`/dns4/relay.example/tcp/4001/p2p/${RELAY}`)
  })

  it('with no relays, changes and refuses nothing', () => {
    const none = new OurRelays([])
    const addr = multiaddr(`/ip4/198.18.13.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`)
    expect(none.localize(addr)).toBe(addr)
    expect(none.isOtherRoute(addr)).toBe(false)
  })

  it('localizing is idempotent, and what it gives is always a route we dial', () => {
    const octet = fc.integer({ min: 1, max: 254 })
    const addr = fc.record({
      ip: fc.tuple(octet, octet).map(([a, b]) => `/ip4/198.18.${a}.${b}`),
      port: fc.integer({ min: 1, max: 65535 }),
      relay: fc.constantFrom(RELAY, OTHER_RELAY),
      circuit: fc.boolean()
    })
    fc.assert(
      fc.property(addr, ({ ip, port, relay, circuit }) => {
        const text = `${ip}/tcp/${port}/p2p/${relay}${circuit ? `/p2p-circuit/p2p/${PEER}` : ''}`
        const once = ours.localize(multiaddr(text))
        expect(ours.localize(once).toString()).toBe(once.toString())
        if (circuit) {
          expect(ours.isOtherRoute(once)).toBe(false)
        }
      })
    )
  })
})

import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addrsToAnnounce, transportPart } from '../../../protocols/presence/announced-addrs.ts'
import { decodeAnnouncement, encodeAnnouncement } from '../../../protocols/presence/codec.ts'
import { MAX_ANNOUNCED_ADDRS } from '../../../protocols/presence/constants.ts'

const ME = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const RELAYS = [
  '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDMp4F9iSwYntZ9WjHa',
  '12D3KooWJWoaqZhDaoEFshF7Rh1bpYaqxJADWmKDPnFhDPQkrUCe',
  '12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8'
]

/** Our circuit address through `relay` reached at 10.0.<link>.1. */
const circuit = (relay: string, link: number) =>
  multiaddr(`/ip4/10.0.${link}.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${ME}`)
const direct = (i: number) => multiaddr(`/ip4/192.168.1.${i}/tcp/5000/p2p/${ME}`)

describe('addrsToAnnounce', () => {
  it('keeps an announcement decodable when a relay on 30 links gives us 30 circuit addresses', () => {
    // before: all 32 went out, every receiver rejected the announcement, and nobody heard our heartbeats
    const addrs = [direct(1), direct(2), ...Array.from({ length: 30 }, (_, i) => circuit(RELAYS[0], i))]
    const chosen = addrsToAnnounce(addrs, () => '/ip4/10.0.17.1/tcp/4001')
    const bytes = encodeAnnouncement({ kind: 'alive', name: 'c0', ts: Date.now(), addrs: chosen.map((a) => a.bytes) })
    expect(decodeAnnouncement(bytes).addrs).toHaveLength(MAX_ANNOUNCED_ADDRS)
    // the circuit through the address our connection to the relay uses comes first, then the direct ones
    expect(chosen.slice(0, 3).map(String)).toEqual([circuit(RELAYS[0], 17), direct(1), direct(2)].map(String))
  })

  it('bounds, keeps one circuit per relay and every direct address while there is room, adds nothing', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 1, max: 40 }).map(direct),
            fc.tuple(fc.constantFrom(...RELAYS), fc.integer({ min: 0, max: 40 })).map(([r, l]) => circuit(r, l))
          ),
          { maxLength: 60 }
        ),
        fc.integer({ min: 0, max: 40 }),
        (addrs, via) => {
          const viaAddr = `/ip4/10.0.${via}.1/tcp/4001`
          const chosen = addrsToAnnounce(addrs, () => viaAddr).map(String)
          const given = [...new Set(addrs.map(String))]
          expect(chosen.length).toBe(Math.min(given.length, MAX_ANNOUNCED_ADDRS))
          expect(new Set(chosen).size).toBe(chosen.length)
          expect(given).toEqual(expect.arrayContaining(chosen))
          const relays = new Set(given.filter((a) => a.includes('p2p-circuit')).map((a) => a.split('/')[6]))
          for (const relay of relays) {
            expect(chosen.some((a) => a.includes(`/p2p/${relay}/p2p-circuit`))).toBe(true)
            const preferred = `${viaAddr}/p2p/${relay}/p2p-circuit/p2p/${ME}`
            if (given.includes(preferred)) expect(chosen).toContain(preferred)
          }
          const directs = given.filter((a) => !a.includes('p2p-circuit'))
          if (directs.length + relays.size <= MAX_ANNOUNCED_ADDRS)
            expect(chosen).toEqual(expect.arrayContaining(directs))
        }
      )
    )
  })

  it('drops an address too long for any receiver to accept', () => {
    const long = multiaddr(`/dns4/${'a'.repeat(250)}.example/tcp/1/p2p/${ME}`)
    expect(addrsToAnnounce([long, direct(1)], () => undefined).map(String)).toEqual([direct(1).toString()])
  })
})

describe('transportPart', () => {
  it('strips a trailing PeerId only', () => {
    expect(transportPart(`/ip4/10.0.0.1/tcp/4001/p2p/${RELAYS[0]}`)).toBe('/ip4/10.0.0.1/tcp/4001')
    expect(transportPart('/ip4/10.0.0.1/tcp/4001')).toBe('/ip4/10.0.0.1/tcp/4001')
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BadRelayAddressError, relayAddress } from '../../../web/relay-address.ts'

const PEER = '12D3KooWMHJ4W3Cx6ZCWr4fQ4mKBAG1Bkoa5wJbWq7EkN8AaNmd7'

describe('the relay a page joins', () => {
  it('is the relay that served it, on the same host and port, over ws or wss', () => {
    const at = (protocol: string, hostname: string, port: string): string =>
      relayAddress({ protocol, hostname, port }, null, { peerId: PEER }).toString()
    expect(at('http:', '127.0.0.1', '4101')).toBe(`/ip4/127.0.0.1/tcp/4101/ws/p2p/${PEER}`)
    expect(at('https:', 'chat.example.org', '')).toBe(`/dns/chat.example.org/tcp/443/tls/ws/p2p/${PEER}`)
    expect(at('http:', '[::1]', '8080')).toBe(`/ip6/::1/tcp/8080/ws/p2p/${PEER}`)
  })

  it('is the one in ?relay= when given, which must name the relay PeerId', () => {
    const given = `/ip4/127.0.0.1/tcp/9/ws/p2p/${PEER}`
    expect(relayAddress({ protocol: 'http:', hostname: 'x', port: '' }, given).toString()).toBe(given)
    expect(() => relayAddress({ protocol: 'http:', hostname: 'x', port: '' }, '/ip4/127.0.0.1/tcp/9/ws')).toThrow(
      BadRelayAddressError
    )
  })

  it('is refused with BadRelayAddressError, never another error, for any ?relay= or relay.json', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.record({ peerId: fc.string() })), (param, info) => {
        try {
          relayAddress({ protocol: 'http:', hostname: 'localhost', port: '1' }, param, info ?? undefined)
        } catch (err) {
          expect(err).toBeInstanceOf(BadRelayAddressError)
        }
      }),
      { numRuns: 1000 }
    )
  })
})

import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { DialTargets, MAX_DIAL_ADDRS_PER_PEER, TARGET_RETRY_MS } from '../../../node/dial-targets.ts'

const victim = ['/ip4/10.9.9.9/tcp/80', '/ip4/10.9.9.9/tcp/80/ws', '/ip4/10.9.9.9/tcp/80/p2p/12D3KooWfake']

describe('dial targets', () => {
  it('300 made-up peers listing one victim address: dialed once per window, not once per peer', () => {
    const targets = new DialTargets()
    const now = 1_000_000
    let dials = 0
    for (let i = 0; i < 300; i++) {
      const chosen = targets.claim(
        `fake-${i}`,
        victim.map((a) => multiaddr(a)),
        now
      )
      dials += chosen.length
      targets.settle(`fake-${i}`, chosen, false, now)
    }
    expect(dials).toBe(1)
    // the failures back it off further: still nothing a window later for the same made-up peer...
    expect(targets.claim('fake-0', [multiaddr(victim[0])], now + TARGET_RETRY_MS)).toHaveLength(0)
    // ...and eventually one more try
    expect(targets.claim('fake-0', [multiaddr(victim[0])], now + 100 * TARGET_RETRY_MS)).toHaveLength(1)
  })

  it('an address confirmed for one peer is not dialed for another; few addresses per peer', () => {
    const targets = new DialTargets()
    const addr = multiaddr('/ip4/10.0.0.5/tcp/4001')
    expect(targets.claim('alice', [addr], 0)).toHaveLength(1)
    targets.settle('alice', [addr], true, 0)
    expect(targets.claim('mallory', [addr], 10 * TARGET_RETRY_MS)).toHaveLength(0)
    const many = Array.from({ length: 20 }, (_, i) => multiaddr(`/ip4/10.0.1.${i}/tcp/4001`))
    expect(targets.claim('bob', many, 0)).toHaveLength(MAX_DIAL_ADDRS_PER_PEER)
  })
})

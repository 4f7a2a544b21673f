import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { isPrivate } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ChatPlatform } from '../node/libp2p.ts'

/**
 * WebSockets to the relay and circuit relay through it. A page may dial private addresses on its relay's host only
 * (libp2p in a browser refuses private addresses by default, so that a page cannot be made to probe the LAN; the
 * relay the page came from is one it was meant to reach, often on the LAN or loopback).
 */
export function browserPlatform(relay: Multiaddr): ChatPlatform {
  const relayHost = hostOf(relay)
  return {
    transports: [webSockets(), circuitRelayTransport()],
    webRtc: true,
    denyDialMultiaddr: (ma) => isPrivate(ma) && hostOf(ma) !== relayHost
  }
}

function hostOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))?.value
}

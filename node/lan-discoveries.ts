import type { PeerDiscovery, PeerInfo } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'

/**
 * The peers a LAN discovery service (mDNS) found, apart from libp2p's `peer:discovery`: libp2p also raises that for
 * every peer first added to the peer store, which presence does for every peer it lists, so dialing on it connected
 * each peer to every peer it heard of (a full mesh, whose pings and keep-alives cost each peer in proportion to the
 * crowd). Only what the LAN itself reports is dialed on sight; others are dialed when there is something to send.
 */
export class LanDiscoveries extends TypedEventEmitter<{ peer: CustomEvent<PeerInfo> }> {
  /** Wraps a discovery service's factory so that what it finds is reported here too. */
  observe<C>(factory: (components: C) => PeerDiscovery): (components: C) => PeerDiscovery {
    return (components) => {
      const discovery = factory(components)
      discovery.addEventListener('peer', (evt) => this.safeDispatchEvent('peer', { detail: evt.detail }))
      return discovery
    }
  }
}

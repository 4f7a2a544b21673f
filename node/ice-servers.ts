import type { Multiaddr } from '@multiformats/multiaddr'

/** What the WebRTC transport is configured with at each dial and answer. */
export interface IceConfiguration {
  iceServers: Array<{ urls: string[] }>
}

/**
 * The STUN servers our relays offer, one per relay, as ICE servers: `stun:<host>:<port>` with the host we reach the
 * relay at (so it is an address that works from our network) and the port the relay told us. Never a public server
 * of someone else's.
 */
export class IceServers {
  private readonly byRelay = new Map<string, string>()

  /** Remembers the STUN server of `relay`, reached at `relayAddr`; port 0 means it runs none. */
  learn(relay: string, relayAddr: Multiaddr, port: number): void {
    const url = port === 0 ? undefined : stunUrl(relayAddr, port)
    if (url == null) {
      this.byRelay.delete(relay)
    } else {
      this.byRelay.set(relay, url)
    }
  }

  /** Forgets `relay`'s STUN server (its connection closed). */
  forget(relay: string): void {
    this.byRelay.delete(relay)
  }

  /** The STUN URLs known now. */
  urls(): string[] {
    return [...new Set(this.byRelay.values())]
  }

  /** The RTCConfiguration for the next peer connection. */
  configuration(): IceConfiguration {
    const urls = this.urls()
    return { iceServers: urls.length === 0 ? [] : [{ urls }] }
  }
}

/** `stun:<host>:<port>` for the host of a relay address (IPv4, IPv6 or DNS name), or undefined for other kinds. */
export function stunUrl(relayAddr: Multiaddr, port: number): string | undefined {
  for (const c of relayAddr.getComponents()) {
    if (c.value == null) {
      continue
    }
    if (c.name === 'ip6') {
      return `stun:[${c.value}]:${port}`
    }
    if (c.name === 'ip4' || c.name === 'dns4' || c.name === 'dns6' || c.name === 'dns') {
      return `stun:${c.value}:${port}`
    }
  }
  return undefined
}

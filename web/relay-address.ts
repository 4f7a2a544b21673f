import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'

/** The page was given a relay address it cannot use. */
export class BadRelayAddressError extends Error {
  static override readonly name = 'BadRelayAddressError'
  override name = 'BadRelayAddressError'
}

/** What `relay.json` on the relay says: the relay's PeerId, for the page to dial it back. */
export interface RelayInfo {
  peerId: string
}

/** Where the page is: the parts of `location` that say how to reach the relay that served it. */
export interface PageLocation {
  protocol: string
  hostname: string
  port: string
}

/**
 * The relay to join: `?relay=<multiaddr>` when given (it must end in /p2p/<PeerId>), else the relay that served the
 * page, on the same host and port, over WebSockets (secure when the page is https).
 */
export function relayAddress(page: PageLocation, relayParam: string | null, info?: RelayInfo): Multiaddr {
  if (relayParam != null) {
    let ma: Multiaddr
    try {
      ma = multiaddr(relayParam)
    } catch (err) {
      throw new BadRelayAddressError(`?relay= is not a multiaddr: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (ma.getComponents().at(-1)?.name !== 'p2p') {
      throw new BadRelayAddressError('?relay= must end in /p2p/<the relay PeerId>')
    }
    return ma
  }
  if (info == null || !/^[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(info.peerId)) {
    throw new BadRelayAddressError('this page was not served by a p2pchat relay: open it with ?relay=<multiaddr>')
  }
  const secure = page.protocol === 'https:'
  const port = page.port === '' ? (secure ? '443' : '80') : page.port
  const host = page.hostname.startsWith('[')
    ? `/ip6/${page.hostname.slice(1, -1)}`
    : /^\d{1,3}(\.\d{1,3}){3}$/.test(page.hostname)
      ? `/ip4/${page.hostname}`
      : `/dns/${page.hostname}`
  return multiaddr(`${host}/tcp/${port}/${secure ? 'tls/ws' : 'ws'}/p2p/${info.peerId}`)
}

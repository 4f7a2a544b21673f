import type { Logger, PeerId, PeerInfo } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { backoffDelay } from './backoff.ts'
import { DIAL_TIMEOUT_MS } from './constants.ts'
import type { ChatLibp2p } from './libp2p.ts'

export interface AutoDialerInit {
  /** dialed at start and again whenever the connection drops */
  bootstrap: Multiaddr[]
  /** how long one dial may take. @default DIAL_TIMEOUT_MS */
  dialTimeoutMs?: number
}

/**
 * libp2p 3 discovers peers but does not connect to them: this dials what mDNS finds, and keeps
 * the user's bootstrap peers connected, retrying with backoff.
 */
export class AutoDialer {
  private readonly node: ChatLibp2p
  private readonly log: Logger
  private readonly bootstrap: Multiaddr[]
  private readonly dialTimeoutMs: number
  private readonly attempts = new Map<string, number>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** which bootstrap address reached which peer, so a disconnect triggers the right re-dial */
  private readonly bootstrapPeers = new Map<string, Multiaddr>()
  private readonly shutdown = new AbortController()

  constructor(node: ChatLibp2p, init: AutoDialerInit) {
    this.node = node
    this.log = node.logger.forComponent('p2pchat:dialer')
    this.bootstrap = init.bootstrap
    this.dialTimeoutMs = init.dialTimeoutMs ?? DIAL_TIMEOUT_MS
    this.onDiscovery = this.onDiscovery.bind(this)
    this.onDisconnect = this.onDisconnect.bind(this)
  }

  start(): void {
    this.node.addEventListener('peer:discovery', this.onDiscovery)
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    for (const addr of this.bootstrap) {
      void this.dialBootstrap(addr)
    }
  }

  stop(): void {
    this.shutdown.abort()
    this.node.removeEventListener('peer:discovery', this.onDiscovery)
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  private onDiscovery(evt: CustomEvent<PeerInfo>): void {
    const { id } = evt.detail
    // Peers reachable only through a relay are dialed when there is something to send (a DM), not on sight:
    // dialing every one of them would open a relayed connection between each pair of the relay's users.
    const multiaddrs = evt.detail.multiaddrs.filter((ma) => !ma.toString().includes('/p2p-circuit'))
    if (id.equals(this.node.peerId) || multiaddrs.length === 0 || this.node.getConnections(id).length > 0) {
      return
    }
    void this.dialPeer(id, multiaddrs)
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    const addr = this.bootstrapPeers.get(evt.detail.toString())
    if (addr != null && !this.shutdown.signal.aborted) {
      this.log('bootstrap peer %p disconnected, re-dialing', evt.detail)
      this.retryLater(addr.toString(), () => this.dialBootstrap(addr))
    }
  }

  private async dialPeer(id: PeerId, addrs: Multiaddr[]): Promise<void> {
    const key = id.toString()
    try {
      await this.node.peerStore.merge(id, { multiaddrs: addrs })
      // the direct addresses only: dialing by PeerId would fall back to relay addresses the peer store also knows
      const direct = addrs.map((ma) =>
        ma.getComponents().some((c) => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${id}`)
      )
      await this.node.dial(direct, { signal: this.signal() })
      this.attempts.delete(key)
    } catch (err) {
      if (this.shutdown.signal.aborted) {
        return
      }
      this.log('dial to discovered peer %p failed - %e', id, err)
      // mDNS will announce it again; retry only a few times in between.
      if ((this.attempts.get(key) ?? 0) < 3) {
        this.retryLater(key, () => this.dialPeer(id, addrs))
      } else {
        this.attempts.delete(key)
      }
    }
  }

  private async dialBootstrap(addr: Multiaddr): Promise<void> {
    const key = addr.toString()
    try {
      const connection = await this.node.dial(addr, { signal: this.signal() })
      this.attempts.delete(key)
      this.bootstrapPeers.set(connection.remotePeer.toString(), addr)
    } catch (err) {
      if (this.shutdown.signal.aborted) {
        return
      }
      this.log('dial to bootstrap %s failed - %e', key, err)
      this.retryLater(key, () => this.dialBootstrap(addr))
    }
  }

  private retryLater(key: string, dial: () => Promise<void>): void {
    const attempt = this.attempts.get(key) ?? 0
    this.attempts.set(key, attempt + 1)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      void dial()
    }, backoffDelay(attempt))
    this.timers.add(timer)
  }

  private signal(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.dialTimeoutMs), this.shutdown.signal])
  }
}

/** Parses a user-supplied multiaddr, throwing a readable error. */
export function parseMultiaddr(text: string): Multiaddr {
  try {
    return multiaddr(text)
  } catch (err) {
    throw new Error(`'${text}' is not a valid multiaddr (${err instanceof Error ? err.message : String(err)})`)
  }
}

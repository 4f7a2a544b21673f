import type { Logger, PeerId, PeerInfo } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { backoffDelay } from './backoff.ts'
import { DIAL_TIMEOUT_MS, DISCOVERY_YIELD_MS, MAX_DISCOVERIES_WAITING, MIN_NEIGHBOURS } from './constants.ts'
import { DialTargets } from './dial-targets.ts'
import type { LanDiscoveries } from './lan-discoveries.ts'
import type { ChatLibp2p } from './libp2p.ts'

export interface AutoDialerInit {
  /** dialed at start and again whenever the connection drops */
  bootstrap: Multiaddr[]
  /** how long one dial may take. @default DIAL_TIMEOUT_MS */
  dialTimeoutMs?: number
  /**
   * the peers to dial on sight (what mDNS finds). Others that libp2p reports (`peer:discovery`, raised for every peer
   * first added to the peer store: presence adds every peer it lists) are dialed only while we hold fewer than
   * `minNeighbours` connections. Unset: every `peer:discovery` is dialed.
   */
  discoveries?: Pick<LanDiscoveries, 'addEventListener' | 'removeEventListener'>
  /** @default MIN_NEIGHBOURS */
  minNeighbours?: number
}

/**
 * Which of two peers that discover each other at once (as two mDNS peers do) dials: the one with the lower PeerId.
 * Both dialing costs each end two handshakes and two identifies, at the moment a peer that just started is busiest.
 */
export function dialsFirst(self: string, other: string): boolean {
  return self < other
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
  private readonly discoveries?: AutoDialerInit['discoveries']
  private readonly minNeighbours: number
  /** peers only heard of that we are dialing to make up our neighbours */
  private readonly heardDialing = new Set<string>()
  private readonly attempts = new Map<string, number>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** which bootstrap address reached which peer, so a disconnect triggers the right re-dial */
  private readonly bootstrapPeers = new Map<string, Multiaddr>()
  private readonly shutdown = new AbortController()
  /** per target address, so forged announcements cannot point every peer's dials at someone else */
  private readonly targets = new DialTargets()
  /** peers discovered while libp2p was still starting (mDNS answers its first query then), dialed once it has */
  private readonly early = new Map<string, PeerInfo>()
  /** peers we leave DISCOVERY_YIELD_MS to dial us (see dialsFirst) */
  private readonly yielding = new Set<string>()
  private online = false

  constructor(node: ChatLibp2p, init: AutoDialerInit) {
    this.node = node
    this.log = node.logger.forComponent('p2pchat:dialer')
    this.bootstrap = init.bootstrap
    this.dialTimeoutMs = init.dialTimeoutMs ?? DIAL_TIMEOUT_MS
    this.discoveries = init.discoveries
    this.minNeighbours = init.discoveries == null ? Number.POSITIVE_INFINITY : (init.minNeighbours ?? MIN_NEIGHBOURS)
    this.onDiscovery = this.onDiscovery.bind(this)
    this.onHeardOf = this.onHeardOf.bind(this)
    this.onDisconnect = this.onDisconnect.bind(this)
    this.onStart = this.onStart.bind(this)
  }

  /** Call before libp2p starts, so that no peer mDNS finds during its start is missed; dials once it has started. */
  start(): void {
    this.node.addEventListener('peer:discovery', this.onHeardOf)
    this.discoveries?.addEventListener('peer', this.onDiscovery)
    this.node.addEventListener('peer:disconnect', this.onDisconnect)
    if (this.node.status === 'started') {
      this.onStart()
    } else {
      this.node.addEventListener('start', this.onStart, { once: true })
    }
  }

  stop(): void {
    this.shutdown.abort()
    this.online = false
    this.early.clear()
    this.yielding.clear()
    this.heardDialing.clear()
    this.node.removeEventListener('start', this.onStart)
    this.node.removeEventListener('peer:discovery', this.onHeardOf)
    this.discoveries?.removeEventListener('peer', this.onDiscovery)
    this.node.removeEventListener('peer:disconnect', this.onDisconnect)
    for (const timer of this.timers) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  private onStart(): void {
    this.online = true
    for (const addr of this.bootstrap) {
      void this.dialBootstrap(addr)
    }
    for (const info of this.early.values()) {
      this.discovered(info)
    }
    this.early.clear()
  }

  /**
   * A peer new to the peer store: one found on the LAN, or (with `discoveries` set) only heard of. Those we are
   * dialing count as neighbours already: a presence sync adds a whole crowd to the peer store at once.
   */
  private onHeardOf(evt: CustomEvent<PeerInfo>): void {
    if (this.discoveries == null) {
      this.onDiscovery(evt)
      return
    }
    const key = evt.detail.id.toString()
    if (
      this.node.getConnections().length + this.heardDialing.size >= this.minNeighbours ||
      this.heardDialing.has(key)
    ) {
      return
    }
    this.heardDialing.add(key)
    // once the dial (or the other side's, see dialsFirst) had its time, the connection count tells
    this.later(DISCOVERY_YIELD_MS + this.dialTimeoutMs, () => this.heardDialing.delete(key))
    this.onDiscovery(evt)
  }

  private onDiscovery(evt: CustomEvent<PeerInfo>): void {
    if (this.online) {
      this.discovered(evt.detail)
    } else if (this.early.size < MAX_DISCOVERIES_WAITING) {
      this.early.set(evt.detail.id.toString(), evt.detail)
    }
  }

  private discovered(info: PeerInfo): void {
    const { id } = info
    // Peers reachable only through a relay are dialed when there is something to send (a DM), not on sight:
    // dialing every one of them would open a relayed connection between each pair of the relay's users.
    const multiaddrs = info.multiaddrs.filter((ma) => !ma.toString().includes('/p2p-circuit'))
    if (id.equals(this.node.peerId) || multiaddrs.length === 0 || this.node.getConnections(id).length > 0) {
      return
    }
    const key = id.toString()
    if (dialsFirst(this.node.peerId.toString(), key) || this.yielding.size >= MAX_DISCOVERIES_WAITING) {
      void this.dialPeer(id, multiaddrs)
    } else if (!this.yielding.has(key)) {
      // it has most likely found us too and is dialing; if it has not (it missed our answer), we dial after all
      this.yielding.add(key)
      this.later(DISCOVERY_YIELD_MS, () => {
        this.yielding.delete(key)
        if (this.node.getConnections(id).length === 0) {
          void this.dialPeer(id, multiaddrs)
        }
      })
    }
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
    const claimed = this.targets.claim(key, addrs, Date.now())
    if (claimed.length === 0) {
      this.log('not dialing %p: its addresses were tried a moment ago', id)
      this.attempts.delete(key)
      return
    }
    try {
      await this.node.peerStore.merge(id, { multiaddrs: claimed })
      // the direct addresses only: dialing by PeerId would fall back to relay addresses the peer store also knows
      const direct = claimed.map((ma) =>
        ma.getComponents().some((c) => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${id}`)
      )
      await this.node.dial(direct, { signal: this.signal() })
      this.targets.settle(key, claimed, true, Date.now())
      this.attempts.delete(key)
    } catch (err) {
      this.targets.settle(key, claimed, false, Date.now())
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
    this.later(backoffDelay(attempt), () => void dial())
  }

  private later(delayMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, delayMs)
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

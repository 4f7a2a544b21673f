import type { ComponentLogger, Libp2pEvents, Logger, PeerId, PeerStore, TypedEventTarget } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { backoffDelay } from '../node/backoff.ts'
import { peerOfAddr } from './config.ts'

/** First wait before redialing a peer relay that went away; it doubles from here. */
export const FEDERATION_REDIAL_BASE_MS = 1000
/** Longest wait between redials of a peer relay: one that is down for good costs a dial a minute. */
export const FEDERATION_REDIAL_MAX_MS = 60_000
/** How long one dial of a peer relay may take. */
export const FEDERATION_DIAL_TIMEOUT_MS = 10_000
/** Peer-store tag that keeps the connection manager from pruning links to peer relays. */
export const FEDERATION_TAG = 'p2pchat-federation'

/** A configured peer relay: its PeerId and the addresses to dial it on. */
export interface FederationPeer {
  id: PeerId
  addrs: Multiaddr[]
}

/** Groups configured addresses by the relay they end in; our own id is left out (a shared config lists us too). */
export function federationPeers(addrs: string[], self: PeerId): FederationPeer[] {
  const byId = new Map<string, Multiaddr[]>()
  for (const addr of addrs) {
    const id = peerOfAddr(addr)
    if (id == null || id === self.toString()) {
      continue
    }
    byId.set(id, [...(byId.get(id) ?? []), multiaddr(addr)])
  }
  return [...byId].map(([id, list]) => ({ id: peerIdFromString(id), addrs: list }))
}

export interface FederationComponents {
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  dial: (peer: PeerId, options: { signal: AbortSignal }) => Promise<unknown>
  connected: (peer: PeerId) => boolean
  logger: ComponentLogger
  /** told when the link to a peer relay comes up or goes down */
  changed?: (peer: PeerId, linked: boolean) => void
}

/**
 * The links to the relays this one federates with: dialed at start and redialed with backoff whenever they drop,
 * for as long as the relay runs. Only configured PeerIds count as peer relays (a relay that merely connects is a
 * client like any other), so the set is fixed and small: no network input grows it.
 */
export class Federation {
  private readonly peers: FederationPeer[]
  private readonly ids: Set<string>
  private readonly attempts = new Map<string, number>()
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly log: Logger
  private running = false

  constructor(
    private readonly c: FederationComponents,
    peers: FederationPeer[]
  ) {
    this.peers = peers
    this.ids = new Set(peers.map((p) => p.id.toString()))
    this.log = c.logger.forComponent('p2pchat:relay:federation')
    this.onDisconnect = this.onDisconnect.bind(this)
    this.onConnect = this.onConnect.bind(this)
  }

  /** Whether `peer` is one of the configured peer relays. */
  has(peer: PeerId | string): boolean {
    return this.ids.has(peer.toString())
  }

  /** The configured peer relays' ids. */
  list(): string[] {
    return [...this.ids]
  }

  async start(): Promise<void> {
    this.running = true
    for (const peer of this.peers) {
      await this.c.peerStore.merge(peer.id, { multiaddrs: peer.addrs, tags: { [FEDERATION_TAG]: { value: 100 } } })
    }
    this.c.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.c.events.addEventListener('peer:connect', this.onConnect)
    for (const peer of this.peers) {
      this.schedule(peer.id, 0)
    }
  }

  stop(): void {
    this.running = false
    this.c.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.c.events.removeEventListener('peer:connect', this.onConnect)
    for (const timer of this.timers.values()) {
      clearTimeout(timer)
    }
    this.timers.clear()
  }

  private onConnect(evt: CustomEvent<PeerId>): void {
    if (this.has(evt.detail)) {
      this.attempts.delete(evt.detail.toString())
      this.c.changed?.(evt.detail, true)
    }
  }

  private onDisconnect(evt: CustomEvent<PeerId>): void {
    if (this.has(evt.detail)) {
      this.c.changed?.(evt.detail, false)
      this.schedule(evt.detail, FEDERATION_REDIAL_BASE_MS)
    }
  }

  private schedule(peer: PeerId, delayMs: number): void {
    const id = peer.toString()
    if (!this.running || this.timers.has(id)) {
      return
    }
    const timer = setTimeout(() => {
      this.timers.delete(id)
      void this.dial(peer)
    }, delayMs)
    this.timers.set(id, timer)
  }

  private async dial(peer: PeerId): Promise<void> {
    if (!this.running || this.c.connected(peer)) {
      return
    }
    const id = peer.toString()
    try {
      await this.c.dial(peer, { signal: AbortSignal.timeout(FEDERATION_DIAL_TIMEOUT_MS) })
      this.attempts.delete(id)
      this.log('linked to peer relay %p', peer)
    } catch (err) {
      const attempt = this.attempts.get(id) ?? 0
      this.attempts.set(id, attempt + 1)
      this.log('peer relay %p not reached (attempt %d) - %e', peer, attempt + 1, err)
      this.schedule(peer, backoffDelay(attempt, FEDERATION_REDIAL_BASE_MS, FEDERATION_REDIAL_MAX_MS))
    }
  }
}

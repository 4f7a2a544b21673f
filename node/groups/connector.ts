import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { BoundedMap } from '../../protocols/common/index.ts'
import type { GroupService } from '../../protocols/group/index.ts'
import { backoffDelay } from '../backoff.ts'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { ChatLibp2p } from '../libp2p.ts'

/** What the connector needs of libp2p: who we are, whom we are connected to, and dialing. */
export type ConnectorLibp2p = Pick<ChatLibp2p, 'peerId' | 'getConnections' | 'dial'>

/** Dials at a time: joining a big group must not open dozens of connections at once. */
const MAX_PARALLEL_DIALS = 4
/**
 * A failed dial of a member who is still online is tried again this many times, after 2 s, 4 s, 8 s (±20%): a dial
 * lost to a busy relay or a reconnect race left members without a direct path, so group traffic and log sync between
 * them waited for someone else to prompt it. A member seen coming online again gets a fresh set of tries.
 */
export const MAX_DIAL_RETRIES = 3
const RETRY_BASE_MS = 2_000
/** Peers whose failed dials are remembered (our groups' members); the oldest is forgotten first. */
const MAX_RETRY_PEERS = 1_024

/**
 * Group traffic only flows between peers subscribed to the group's topic, so members need a path of members
 * between them: this connects us directly to the members (and invitees) of our groups that presence sees online.
 */
export class MemberConnector {
  private readonly dialing = new Set<string>()
  private readonly queue: string[] = []
  /** failed dials in a row per peer, and the retry waiting for it */
  private readonly failures = new BoundedMap<string, number>(MAX_RETRY_PEERS)
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly shutdown = new AbortController()

  constructor(
    private readonly libp2p: ConnectorLibp2p,
    private readonly service: GroupService,
    private readonly online: () => string[],
    private readonly log: Logger
  ) {}

  stop(): void {
    this.shutdown.abort()
    this.queue.length = 0
    for (const timer of this.retries.values()) {
      clearTimeout(timer)
    }
    this.retries.clear()
  }

  /** A user came online: connect if we share a group. */
  userOnline(peerId: string): void {
    this.failures.delete(peerId)
    if (this.sharesGroup(peerId)) {
      this.connect(peerId)
    }
  }

  private sharesGroup(peerId: string): boolean {
    return this.service.groups().some((r) => r.state.members.has(peerId) || r.state.invited.has(peerId))
  }

  /** Our membership of a group changed: connect to those of its members who are online. */
  groupChanged(groupId: string): void {
    const state = this.service.group(groupId)?.state
    if (state == null) {
      return
    }
    for (const peerId of this.online()) {
      if (state.members.has(peerId) || state.invited.has(peerId)) {
        this.connect(peerId)
      }
    }
  }

  private connect(peerId: string): void {
    if (
      this.shutdown.signal.aborted ||
      peerId === this.libp2p.peerId.toString() ||
      this.dialing.has(peerId) ||
      this.queue.includes(peerId) ||
      this.libp2p.getConnections(peerIdFromString(peerId)).length > 0
    ) {
      return
    }
    this.queue.push(peerId)
    this.drain()
  }

  private drain(): void {
    while (this.dialing.size < MAX_PARALLEL_DIALS && this.queue.length > 0) {
      const peerId = this.queue.shift()!
      this.dialing.add(peerId)
      this.libp2p
        .dial(peerIdFromString(peerId), {
          signal: AbortSignal.any([AbortSignal.timeout(DIAL_TIMEOUT_MS), this.shutdown.signal])
        })
        .then(
          () => this.failures.delete(peerId),
          (err: unknown) => {
            this.log('could not connect to group member %s - %e', peerId, err)
            this.retryLater(peerId)
          }
        )
        .finally(() => {
          this.dialing.delete(peerId)
          this.drain()
        })
    }
  }
  /** After a failed dial: try again later, a few times, while the peer is online and shares a group with us. */
  private retryLater(peerId: string): void {
    const attempt = this.failures.get(peerId) ?? 0
    if (this.shutdown.signal.aborted || attempt >= MAX_DIAL_RETRIES || this.retries.has(peerId)) {
      return
    }
    this.failures.set(peerId, attempt + 1)
    const timer = setTimeout(
      () => {
        this.retries.delete(peerId)
        if (this.online().includes(peerId) && this.sharesGroup(peerId)) {
          this.connect(peerId)
        }
      },
      backoffDelay(attempt, RETRY_BASE_MS)
    )
    timer.unref?.()
    this.retries.set(peerId, timer)
  }
}

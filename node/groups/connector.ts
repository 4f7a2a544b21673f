import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { GroupService } from '../../protocols/group/index.ts'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { ChatLibp2p } from '../libp2p.ts'

/** What the connector needs of libp2p: who we are, whom we are connected to, and dialing. */
export type ConnectorLibp2p = Pick<ChatLibp2p, 'peerId' | 'getConnections' | 'dial'>

/** Dials at a time: joining a big group must not open dozens of connections at once. */
const MAX_PARALLEL_DIALS = 4

/**
 * Group traffic only flows between peers subscribed to the group's topic, so members need a path of members
 * between them: this connects us directly to the members (and invitees) of our groups that presence sees online.
 */
export class MemberConnector {
  private readonly dialing = new Set<string>()
  private readonly queue: string[] = []
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
  }

  /** A user came online: connect if we share a group. */
  userOnline(peerId: string): void {
    if (this.service.groups().some((r) => r.state.members.has(peerId) || r.state.invited.has(peerId))) {
      this.connect(peerId)
    }
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
        .catch((err: unknown) => this.log('could not connect to group member %s - %e', peerId, err))
        .finally(() => {
          this.dialing.delete(peerId)
          this.drain()
        })
    }
  }
}

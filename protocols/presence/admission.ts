import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { ipOf } from '../common/addrs.ts'
import { decodingValidator } from '../common/gossip-validator.ts'
import { IntroductionBudget } from './budget.ts'
import { decodeAnnouncement } from './codec.ts'

/** Gossipsub validator: reject (and do not forward) what does not decode, so junk dies at the first hop. */
export const validate = decodingValidator(decodeAnnouncement)

export interface AdmissionInit {
  connectionManager: Pick<ConnectionManager, 'getConnections' | 'closeConnections'>
  /** peers that may vouch for any number of identities (our relays) */
  trusted: (peer: PeerId) => boolean
  /** whether an author is in our directory already */
  known: (author: string) => boolean
  /** an announcement by `author` was ignored because its forwarder was over budget */
  refused?: (author: string) => void
  log: Logger
}

/**
 * Which announcements about others a neighbour may bring us, over gossip or in a presence sync: an author we hold a
 * connection with always, others within the neighbour's introduction budget (budget.ts).
 */
export class Admission {
  readonly budget = new IntroductionBudget()

  constructor(private readonly init: AdmissionInit) {}

  /**
   * The presence topic's validator: decodes, then admits the announcement within the budget of the connection it came
   * over. Over budget it is ignored (not forwarded, not penalised: an honest neighbour may be forwarding a crowd),
   * and a connection that keeps trying is closed.
   */
  gossip(propagator: PeerId, msg: Message): TopicValidatorResult {
    const verdict = validate(msg)
    if (verdict !== TopicValidatorResult.Accept || msg.type !== 'signed') {
      return verdict
    }
    const author = msg.from.toString()
    // a peer we hold a connection with costs nobody's budget, whoever forwarded its copy first (gossipsub would
    // drop its own copy as a duplicate of the one we ignored)
    if (msg.from.equals(propagator) || this.connected(msg.from)) {
      this.budget.release(author)
      return TopicValidatorResult.Accept
    }
    const known = this.init.known(author)
    if (!known && decodeAnnouncement(msg.data).kind === 'leave') {
      // nothing of ours to remove, and forwarding it on costs everyone a signature check
      return TopicValidatorResult.Ignore
    }
    const from = this.propagator(propagator)
    if (this.budget.admit(author, from, known)) {
      return TopicValidatorResult.Accept
    }
    this.init.refused?.(author)
    if (this.budget.refused(from.peerId, Date.now())) {
      this.init.log('%p keeps forwarding identities past its budget, closing its connection', propagator)
      this.budget.disconnected(from.peerId)
      void this.init.connectionManager.closeConnections(propagator).catch(() => {})
    }
    return TopicValidatorResult.Ignore
  }

  /** Whether an announcement by `author` that a presence sync from `via` passed on may be taken. */
  synced(author: PeerId, via: PeerId): boolean {
    const key = author.toString()
    if (this.connected(author)) {
      this.budget.release(key)
      return true
    }
    return this.budget.admit(key, this.propagator(via), this.init.known(key))
  }

  /** New identities `peer` may still bring us: none unless we are connected, any number if we trust it. */
  room(peer: PeerId): number {
    if (!this.connected(peer)) {
      return 0
    }
    return this.init.trusted(peer) ? Number.POSITIVE_INFINITY : this.budget.room(peer.toString())
  }

  private connected(peer: PeerId): boolean {
    return this.init.connectionManager.getConnections(peer).length > 0
  }

  private propagator(peer: PeerId): { peerId: string; ip?: string; trusted: boolean } {
    const connection = this.init.connectionManager.getConnections(peer)[0]
    return {
      peerId: peer.toString(),
      ip: connection == null ? undefined : ipOf(connection.remoteAddr),
      trusted: this.init.trusted(peer)
    }
  }
}

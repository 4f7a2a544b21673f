import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { isDepartureNotice, type RelayNotice } from '../protocols/notice/index.ts'
import {
  Directory,
  type DirectoryEntry,
  decodeAnnouncement,
  PRESENCE_TOPIC,
  validatePresenceMessage as validatePresence
} from '../protocols/presence/index.ts'
import { signedAnnouncementOf } from '../protocols/presence-sync/index.ts'
import type { KnownUsers } from './known-users.ts'

/**
 * The relay passes on a presence announcement only from a PeerId it holds a connection with (usually the author's
 * own copy; a copy forwarded by another client may arrive first, and gossipsub would drop the later one as a
 * duplicate). Its clients trust it to vouch for everyone it forwards, so it must not forward identities one
 * connection made up (keys are free): one identity per connection, and the per-IP connection limit bounds the rest.
 * Copies from a configured peer relay pass too: that relay applied the same rule to its own clients.
 */
export function directOnly(
  propagator: PeerId,
  msg: Message,
  connected: (peer: PeerId) => boolean,
  peerRelay: (peer: PeerId) => boolean
): TopicValidatorResult {
  const verdict = validatePresence(msg)
  if (verdict !== TopicValidatorResult.Accept || msg.type !== 'signed') {
    return verdict
  }
  // a configured peer relay vouches for its own clients the same way, so its copies pass on
  return msg.from.equals(propagator) || connected(msg.from) || peerRelay(propagator)
    ? TopicValidatorResult.Accept
    : TopicValidatorResult.Ignore
}

/**
 * Who is online, as the relay hears it: the relay does not announce itself (it is not a chat user) but reads every
 * presence announcement passing through it, with the same pure Directory the clients use.
 */
export class OnlineUsers {
  readonly directory = new Directory()
  private timer?: ReturnType<typeof setInterval>

  constructor(
    private readonly pubsub: GossipSub,
    private readonly known: KnownUsers,
    /** told when something worth saving changed (a new user, a rename) */
    private readonly onChange: () => void,
    /** whether the relay holds a connection with `peer` */
    private readonly connected: (peer: PeerId) => boolean,
    /** whether `peer` is a configured peer relay */
    private readonly peerRelay: (peer: PeerId) => boolean = () => false
  ) {
    this.onMessage = this.onMessage.bind(this)
  }

  start(expireEveryMs = 10_000): void {
    this.pubsub.topicValidators.set(PRESENCE_TOPIC, (propagator, msg) =>
      directOnly(propagator, msg, this.connected, this.peerRelay)
    )
    this.pubsub.addEventListener('message', this.onMessage)
    this.pubsub.subscribe(PRESENCE_TOPIC)
    this.timer = setInterval(() => this.directory.expire(Date.now()), expireEveryMs)
  }

  stop(): void {
    clearInterval(this.timer)
    this.pubsub.removeEventListener('message', this.onMessage)
    this.pubsub.unsubscribe(PRESENCE_TOPIC)
    this.pubsub.topicValidators.delete(PRESENCE_TOPIC)
  }

  list(): DirectoryEntry[] {
    return this.directory.list()
  }

  /** Forgets a peer that left the relay; true if it was online. */
  remove(peerId: string): boolean {
    return this.directory.remove(peerId) != null
  }

  /**
   * A notice from `relay`: if it is a configured peer relay saying one of the users it vouches for left (their
   * announcement names a circuit through it), they leave our list too. They announce themselves only every few
   * minutes, and this list answers every newcomer's presence sync.
   */
  takeNotice(relay: PeerId, notice: RelayNotice): void {
    if (!this.peerRelay(relay) || !isDepartureNotice(notice)) {
      return
    }
    if (this.directory.relaysOf(notice.peer).has(relay.toString())) {
      this.directory.remove(notice.peer, 'left')
    }
  }

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== PRESENCE_TOPIC || msg.type !== 'signed') {
      return
    }
    try {
      const announcement = decodeAnnouncement(msg.data)
      const peerId = msg.from.toString()
      this.directory.apply(peerId, announcement, Date.now(), signedAnnouncementOf(msg))
      // the relay announces departures itself when connections close; an eviction needs no notice
      this.directory.takeEvicted()
      // the durable directory keeps this relay's own users; peer relays keep theirs
      if (
        announcement.kind !== 'leave' &&
        this.connected(msg.from) &&
        this.known.seen(peerId, announcement.name, Date.now())
      ) {
        this.onChange()
      }
    } catch {
      // the validator already rejected what does not decode
    }
  }
}

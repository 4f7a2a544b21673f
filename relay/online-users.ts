import type { GossipSub, Message } from '@libp2p/gossipsub'
import {
  Directory,
  type DirectoryEntry,
  decodeAnnouncement,
  PRESENCE_TOPIC,
  validatePresenceMessage as validatePresence
} from '../protocols/presence/index.ts'
import type { KnownUsers } from './known-users.ts'

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
    private readonly onChange: () => void
  ) {
    this.onMessage = this.onMessage.bind(this)
  }

  start(expireEveryMs = 10_000): void {
    this.pubsub.topicValidators.set(PRESENCE_TOPIC, (_peer, msg) => validatePresence(msg))
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

  private onMessage(evt: CustomEvent<Message>): void {
    const msg = evt.detail
    if (msg.topic !== PRESENCE_TOPIC || msg.type !== 'signed') {
      return
    }
    try {
      const announcement = decodeAnnouncement(msg.data)
      const peerId = msg.from.toString()
      this.directory.apply(peerId, announcement, Date.now())
      if (announcement.kind !== 'leave' && this.known.seen(peerId, announcement.name, Date.now())) {
        this.onChange()
      }
    } catch {
      // the validator already rejected what does not decode
    }
  }
}

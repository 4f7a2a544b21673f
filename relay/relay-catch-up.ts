import type { GossipSub } from '@libp2p/gossipsub'
import {
  CATCH_UP_WINDOW_MS,
  type CatchUpInit,
  RELAY_STORE_BYTES,
  RELAY_STORE_CONVERSATIONS
} from '../protocols/catchup/index.ts'
import { groupIdOfTopic } from '../protocols/group/index.ts'
import { LOBBY_TOPIC } from '../protocols/lobby/index.ts'

/**
 * What the relay keeps for its clients to catch up from: the lobby and the frames of every group topic it forwards
 * (private groups' frames sealed: it holds ciphertext only). It serves the lobby to anyone and a group's frames only
 * to peers subscribed to that group's topic, the peers gossip would have handed them to anyway. Memory only: after a
 * restart the members themselves still hold what they saw, and a relay's disk never holds a day of chat.
 */
export function relayCatchUp(pubsub: () => Pick<GossipSub, 'getSubscribers'> | undefined): CatchUpInit {
  return {
    store: { maxBytes: RELAY_STORE_BYTES, maxConversations: RELAY_STORE_CONVERSATIONS },
    keep: (topic) => topic === LOBBY_TOPIC || groupIdOfTopic(topic) != null,
    policy: (peer, topic) => {
      if (topic === LOBBY_TOPIC) {
        return { windowMs: CATCH_UP_WINDOW_MS }
      }
      if (groupIdOfTopic(topic) == null) {
        return { refused: 'not a conversation this relay keeps' }
      }
      const subscribed = pubsub()
        ?.getSubscribers(topic)
        .some((p) => p.equals(peer))
      return subscribed === true ? { windowMs: CATCH_UP_WINDOW_MS } : { refused: 'not subscribed to that group' }
    }
  }
}

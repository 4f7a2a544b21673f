import type { GossipSub, Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

/** A check run before a topic's own validator: a result ends validation, `undefined` passes on to the validator. */
export type GossipCheck = (msg: Message, propagator: PeerId) => TopicValidatorResult | undefined

/**
 * Puts `check` in front of the validator a service already set for `topic` (call it after services started).
 * Returns a function that restores the original. `Ignore` drops a message without penalising the peer that
 * forwarded it, which is right for messages that are well-formed but unwanted (for example from a banned peer).
 */
export function guardTopic(pubsub: GossipSub, topic: string, check: GossipCheck): () => void {
  const inner = pubsub.topicValidators.get(topic)
  pubsub.topicValidators.set(topic, async (propagator, msg) => {
    const verdict = check(msg, propagator)
    if (verdict != null) {
      return verdict
    }
    return inner == null ? TopicValidatorResult.Accept : inner(propagator, msg)
  })
  return () => {
    if (inner == null) {
      pubsub.topicValidators.delete(topic)
    } else {
      pubsub.topicValidators.set(topic, inner)
    }
  }
}

/** The author of a signed message, as a string; unsigned messages have none. */
export function authorOf(msg: Message): string | undefined {
  return msg.type === 'signed' ? msg.from.toString() : undefined
}

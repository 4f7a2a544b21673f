import type { GossipSub } from '@libp2p/gossipsub'
/**
 * A libp2p component that may not be there: libp2p's components object throws `MissingServiceError` for a service
 * the node does not run, rather than giving undefined.
 */
export function optionalComponent<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

/**
 * Unsubscribes from `topic` if gossipsub is running. A libp2p start that fails stops every service, and gossipsub
 * throws "Pubsub is not started" on an unsubscribe before its own start (the one error its unsubscribe has): from a
 * service's beforeStop, that error took the place of the one that failed the start.
 */
export function unsubscribeIfStarted(pubsub: Pick<GossipSub, 'unsubscribe'>, topic: string): void {
  try {
    pubsub.unsubscribe(topic)
  } catch {
    // not started: not subscribed either
  }
}

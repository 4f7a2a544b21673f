import type { GossipSub } from '@libp2p/gossipsub'

/** What the health report reads of gossipsub: its view of topics, meshes and scores (public methods of its class). */
export interface GossipView extends Pick<GossipSub, 'getTopics' | 'getSubscribers'> {
  getMeshPeers: (topic: string) => string[]
  getScore: (peerId: string) => number
}

/** Peers whose write buffer holds more than this are reported: gossip to them is backing up. */
export const BACKED_UP_BYTES = 64 * 1024

/** What the health report reads of the outbound streams (not in gossipsub's typed interface). */
export type OutboundStreams = Map<string, unknown>

export function isGossipView(pubsub: object): pubsub is GossipView {
  const p = pubsub as Partial<Record<keyof GossipView, unknown>>
  return ['getTopics', 'getSubscribers', 'getMeshPeers', 'getScore'].every(
    (name) => typeof p[name as keyof GossipView] === 'function'
  )
}

/**
 * What is wrong with gossip as this peer sees it, one line each: a subscriber of one of our topics that is not in our
 * mesh for it (we send it that topic only by lazy gossip, if at all), a peer scored below zero (it stops getting our
 * gossip, and then our messages), and an outbound stream whose unsent bytes pile up. Empty when all is well. For
 * debug logs: which peer stopped hearing what, when a scenario loses messages.
 */
export function gossipAnomalies(view: GossipView, outbound?: OutboundStreams): string[] {
  const found: string[] = []
  const scored = new Set<string>()
  for (const topic of view.getTopics()) {
    const mesh = new Set(view.getMeshPeers(topic))
    for (const peer of view.getSubscribers(topic)) {
      const id = peer.toString()
      if (!mesh.has(id)) {
        found.push(`${id} is subscribed to ${topic} but not in our mesh (score ${view.getScore(id).toFixed(1)})`)
      }
      if (!scored.has(id)) {
        scored.add(id)
        const score = view.getScore(id)
        if (score < 0) {
          found.push(`${id} scores ${score.toFixed(1)}`)
        }
        const pending = unsentBytes(outbound?.get(id))
        if (pending > BACKED_UP_BYTES) {
          found.push(`${id} has ${pending} bytes of gossip waiting to be sent`)
        }
      }
    }
  }
  return found
}

/** Bytes waiting in an outbound gossip stream's write buffer (gossipsub keeps the libp2p stream as `rawStream`). */
function unsentBytes(stream: unknown): number {
  const length = (stream as { rawStream?: { writeBufferLength?: unknown } } | undefined)?.rawStream?.writeBufferLength
  return typeof length === 'number' ? length : 0
}

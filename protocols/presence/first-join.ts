import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2pEvents, PeerId, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { PRESENCE_TOPIC } from './constants.ts'

/**
 * How long a peer that uses relays holds its first announcement back for a relay slot. A relay forwards every
 * announcement to each of its clients; a join sent before the slot was granted is followed, a moment later, by
 * another one naming the circuit address, so each newcomer could cost the relay two deliveries to every client (at
 * 1,000 idle clients a newcomer's presence cost the relay about 0.3 s of CPU). Past this wait we announce anyway: a
 * peer whose relays are down can still be reached on its LAN.
 */
export const FIRST_JOIN_RELAY_WAIT_MS = 5_000

export interface FirstJoinComponents {
  addressManager: Pick<AddressManager, 'getAddresses'>
  events: TypedEventTarget<Libp2pEvents>
  pubsub: Pick<GossipSub, 'getSubscribers' | 'addEventListener' | 'removeEventListener'>
}

/**
 * Whether a join now reaches everyone through a relay: we hold a slot (a circuit address to announce), and one of
 * our relays told us it is on the presence topic (else the join would reach nobody, and our answer to its
 * subscription would be a second announcement).
 */
function relayed(components: FirstJoinComponents, isRelay: (peer: PeerId) => boolean): boolean {
  return (
    components.addressManager.getAddresses().some((ma) => ma.toString().includes('/p2p-circuit')) &&
    components.pubsub.getSubscribers(PRESENCE_TOPIC).some(isRelay)
  )
}

/**
 * Resolves once a join would reach our relay's clients with our circuit address (see relayed()), after `maxWaitMs`,
 * or when `signal` aborts, whichever comes first; true in the first case.
 */
export async function untilRelayed(
  components: FirstJoinComponents,
  isRelay: (peer: PeerId) => boolean,
  maxWaitMs: number,
  signal: AbortSignal
): Promise<boolean> {
  const { events, pubsub } = components
  if (relayed(components, isRelay)) {
    return true
  }
  if (signal.aborted || maxWaitMs <= 0) {
    return false
  }
  return new Promise<boolean>((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer)
      events.removeEventListener('transport:listening', onChange)
      events.removeEventListener('self:peer:update', onChange)
      pubsub.removeEventListener('subscription-change', onChange)
      signal.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const onChange = (): void => {
      if (relayed(components, isRelay)) {
        finish(true)
      }
    }
    const onAbort = (): void => finish(false)
    const timer = setTimeout(() => finish(false), maxWaitMs)
    // a circuit listener says `listening` once its relay granted the slot; `self:peer:update` comes up to a second
    // later (libp2p updates our own peer record in batches), and would hold the join back that long
    events.addEventListener('transport:listening', onChange)
    events.addEventListener('self:peer:update', onChange)
    pubsub.addEventListener('subscription-change', onChange)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Tries of a join that missed our relay, and the pause between them. */
export const JOIN_TRIES = 10
export const JOIN_RETRY_MS = 100

/**
 * Publishes our join; when it should have reached a relay (`relayed`) and reached none, publishes it again a little
 * later: the relay's subscription can reach us a moment before our own gossip stream to it is open, and a join it
 * missed would leave us unlisted until our next heartbeat. A try that reaches nobody costs nobody anything.
 */
export async function publishJoin(
  announce: () => Promise<Set<string>>,
  isRelay: (peer: PeerId) => boolean,
  relayed: boolean,
  signal: AbortSignal
): Promise<void> {
  for (let tries = 1; ; tries++) {
    const reached = await announce()
    const reachedRelay = [...reached].some((id) => isRelay(peerIdFromString(id)))
    if (!relayed || reachedRelay || tries >= JOIN_TRIES || signal.aborted) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_MS))
  }
}

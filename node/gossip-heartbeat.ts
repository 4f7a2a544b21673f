import type { gossipsub } from '@libp2p/gossipsub'

type GossipsubFactory = ReturnType<typeof gossipsub>

/** The part of gossipsub's (private) state that holds its next heartbeat: looked up at run time, and tested. */
interface HeartbeatStatus {
  status?: { heartbeatTimeout?: ReturnType<typeof setTimeout> }
  stop: () => Promise<void>
}

/**
 * Gossipsub as `factory` makes it, with its pending heartbeat cancelled when it stops. Gossipsub's `stop` replaces its
 * status object without clearing the timer of the next heartbeat (up to a second away) kept in it: that heartbeat
 * then runs on the stopped router, and the timer holds a stopping process open until it fires. A heartbeat under way
 * at the stop sees the stopped status and arms no other, so clearing the one pending at the stop is enough.
 */
export function cancelHeartbeatOnStop(factory: GossipsubFactory): GossipsubFactory {
  return (components) => {
    const router = factory(components)
    const internals = router as unknown as HeartbeatStatus
    const stop = internals.stop.bind(router)
    internals.stop = async () => {
      const pending = internals.status?.heartbeatTimeout
      try {
        await stop()
      } finally {
        clearTimeout(pending)
      }
    }
    return router
  }
}

import type { Connection, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

/** What linearConnectionList needs of libp2p's connection manager. */
export type ConnectionLists = Pick<ConnectionManager, 'getConnections' | 'getConnectionsMap'>

/** The relay service that holds the fix below in place (it has nothing else to do). */
export interface LinearConnectionList {
  readonly patched: true
}

/**
 * libp2p 3.3's `ConnectionManager.getConnections()` (no PeerId) builds its list with one `Array.concat` per peer,
 * each copying everything gathered so far: O(n²) in the connections held. libp2p asks it for every incoming
 * connection (its max-connections check) and every opened one (its pruner), so with 6,000 clients each new
 * connection cost the relay two copies of 18 million entries and it took about 3 newcomers a second (a CPU profile
 * put 47% of the relay's time there). Here the list is built in one pass; the answer is the same.
 */
export function linearConnectionList(manager: ConnectionLists): void {
  const ofPeer = manager.getConnections.bind(manager)
  manager.getConnections = (peerId?: PeerId): Connection[] => {
    if (peerId != null) {
      return ofPeer(peerId)
    }
    const all: Connection[] = []
    for (const connections of manager.getConnectionsMap().values()) {
      for (const connection of connections) {
        all.push(connection)
      }
    }
    return all
  }
}

/** Service factory for the relay's libp2p node: `services: { connectionList: connectionListFix() }`. */
export function connectionListFix(): (components: { connectionManager: ConnectionManager }) => LinearConnectionList {
  return ({ connectionManager }) => {
    linearConnectionList(connectionManager)
    return { patched: true }
  }
}

import type { Connection, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

/** What linearConnectionList needs of libp2p's connection manager. */
export type ConnectionLists = Pick<ConnectionManager, 'getConnections' | 'getConnectionsMap'>

/** The relay service that holds the fix below in place (it has nothing else to do). */
export interface LinearConnectionList {
  readonly patched: true
}

/** The connection manager's own map of connections per peer: every change to it goes through these three. */
type ConnectionsMap = ReturnType<ConnectionLists['getConnectionsMap']>

/**
 * Every connection in one array, kept up to date as connections come and go. Removing one swaps the last into its
 * place, so the order is not libp2p's; nothing that asks for the whole list depends on it (libp2p's pruner sorts
 * the list by age itself).
 */
export class ConnectionIndex {
  private readonly all: Connection[] = []
  private readonly position = new Map<Connection, number>()
  /** each peer's connections as last set (a copy: libp2p pushes onto its own array before setting it again) */
  private readonly ofPeer = new Map<string, Connection[]>()

  /** `peer` now has exactly `connections`. */
  set(peer: string, connections: readonly Connection[]): void {
    for (const old of this.ofPeer.get(peer) ?? []) {
      this.drop(old)
    }
    for (const connection of connections) {
      if (!this.position.has(connection)) {
        this.position.set(connection, this.all.length)
        this.all.push(connection)
      }
    }
    this.ofPeer.set(peer, [...connections])
  }

  delete(peer: string): void {
    for (const old of this.ofPeer.get(peer) ?? []) {
      this.drop(old)
    }
    this.ofPeer.delete(peer)
  }

  clear(): void {
    this.all.length = 0
    this.position.clear()
    this.ofPeer.clear()
  }

  /** A copy of every connection: the caller may sort it. */
  list(): Connection[] {
    return this.all.slice()
  }

  private drop(connection: Connection): void {
    const at = this.position.get(connection)
    if (at == null) {
      return
    }
    this.position.delete(connection)
    const last = this.all.pop()
    if (last != null && last !== connection) {
      this.all[at] = last
      this.position.set(last, at)
    }
  }
}

/**
 * libp2p 3.3's `ConnectionManager.getConnections()` (no PeerId) builds its list with one `Array.concat` per peer,
 * each copying everything gathered so far: O(n²) in the connections held. libp2p asks it for every incoming
 * connection (its max-connections check) and every opened one (its pruner), so with 6,000 clients each new
 * connection cost the relay two copies of 18 million entries and it took about 3 newcomers a second (a CPU profile
 * put 47% of the relay's time there). Walking the map once per call was still a walk over every client per
 * newcomer: 15% of the relay's CPU while 3,000 clients connected. So the relay keeps the list itself, updated by the
 * map's own changes, and hands out a copy: the same connections, in another order.
 */
export function linearConnectionList(manager: ConnectionLists): void {
  const ofPeer = manager.getConnections.bind(manager)
  const map = manager.getConnectionsMap()
  const index = new ConnectionIndex()
  for (const [peer, connections] of map.entries()) {
    index.set(peer.toString(), connections)
  }
  followChanges(map, index)
  manager.getConnections = (peerId?: PeerId): Connection[] => (peerId != null ? ofPeer(peerId) : index.list())
}

/** Mirrors every change of the manager's map into `index`, before the map takes it. */
function followChanges(map: ConnectionsMap, index: ConnectionIndex): void {
  const set = map.set.bind(map)
  const remove = map.delete.bind(map)
  const clear = map.clear.bind(map)
  map.set = (peer, connections) => {
    index.set(peer.toString(), connections)
    set(peer, connections)
  }
  map.delete = (peer) => {
    index.delete(peer.toString())
    return remove(peer)
  }
  map.clear = () => {
    index.clear()
    clear()
  }
}

/** Service factory for the relay's libp2p node: `services: { connectionList: connectionListFix() }`. */
export function connectionListFix(): (components: { connectionManager: ConnectionManager }) => LinearConnectionList {
  return ({ connectionManager }) => {
    linearConnectionList(connectionManager)
    return { patched: true }
  }
}

import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

/**
 * Opens a stream to `peer`, reusing any open connection, a relayed (limited) one included. libp2p's own openStream
 * never reuses a limited connection: it dials a new relayed connection for every stream, and concurrent ones then
 * collide as duplicates. Protocols that run over relays (DMs, file transfer) open their streams through this.
 */
export async function openStreamReusing(
  // getConnections is optional so that services can be run against a bare openStream (as their unit tests do)
  connectionManager: Pick<ConnectionManager, 'openStream'> & Partial<Pick<ConnectionManager, 'getConnections'>>,
  peer: PeerId,
  protocol: string,
  options: AbortOptions & { runOnLimitedConnection?: boolean } = {}
): Promise<Stream> {
  const open = (connectionManager.getConnections?.(peer) ?? []).filter((c) => c.status === 'open')
  const connection =
    open.find((c) => c.limits == null) ?? (options.runOnLimitedConnection === true ? open[0] : undefined)
  if (connection != null) {
    return connection.newStream(protocol, options)
  }
  return connectionManager.openStream(peer, protocol, options)
}

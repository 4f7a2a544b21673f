import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

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

/**
 * One request frame, one response frame, on a fresh stream to `peer` that may run over a relayed connection: the
 * exchange of the mailbox and prekeys protocols. The response is decoded before the stream is closed; on any
 * failure (a refusal the decoder throws included) the stream is aborted and the error thrown.
 */
export async function exchangeFrames<T>(
  connectionManager: Parameters<typeof openStreamReusing>[0],
  peer: PeerId,
  protocol: string,
  request: Uint8Array,
  options: { signal: AbortSignal; maxResponseBytes: number; decode: (frame: Uint8ArrayList) => T }
): Promise<T> {
  const { signal } = options
  const stream = await openStreamReusing(connectionManager, peer, protocol, { signal, runOnLimitedConnection: true })
  try {
    const lp = lpStream(stream, { maxDataLength: options.maxResponseBytes })
    await lp.write(request, { signal })
    const response = options.decode(await lp.read({ signal }))
    await stream.close({ signal }).catch(() => {})
    return response
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

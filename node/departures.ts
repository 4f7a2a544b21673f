import type { Logger, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { Ping } from '@libp2p/ping'
import type { RelayNotice } from '../protocols/notice/index.ts'
import type { PresenceService } from '../protocols/presence/index.ts'

/** How long a peer our relay saw leave has to answer a ping over a connection we still hold to it. */
export const DEPARTED_PING_TIMEOUT_MS = 3_000

export interface DepartureCheck {
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  ping?: Pick<Ping, 'ping'>
  presence: Pick<PresenceService, 'forget'>
  log: Logger
}

/**
 * Our relay saw `peer` go. It is gone for us too unless we still reach it some other way, and a connection that looks
 * open is not proof: a direct WebRTC connection to a browser tab that was closed stays open on our side until its
 * consent checks fail, about half a minute later. So a peer we still hold a connection to must answer a ping within
 * DEPARTED_PING_TIMEOUT_MS; if it does not, those connections are closed and the peer forgotten.
 */
export async function confirmDeparture(
  peer: PeerId,
  leftAt: number,
  c: DepartureCheck,
  signal: AbortSignal
): Promise<void> {
  const open = c.connectionManager.getConnections(peer)
  if (open.length > 0) {
    if (c.ping == null) {
      return
    }
    try {
      await c.ping.ping(peer, { signal: AbortSignal.any([signal, AbortSignal.timeout(DEPARTED_PING_TIMEOUT_MS)]) })
      return
    } catch (err) {
      if (signal.aborted) {
        return
      }
      c.log('%p left our relay and does not answer on our own connection to it - %e', peer, err)
      for (const connection of open) {
        connection.abort(new Error('the peer left and does not answer'))
      }
    }
  }
  c.presence.forget(peer.toString(), leftAt)
}

/** The last notices shown, to show a notice heard twice (directly and through gossip) once. */
export class RecentNotices {
  private readonly recent: string[] = []

  constructor(private readonly max = 32) {}

  /** Whether `notice` was seen among the last `max`; remembers it if not. */
  isRepeat(notice: RelayNotice): boolean {
    const key = JSON.stringify(notice)
    if (this.recent.includes(key)) {
      return true
    }
    this.recent.push(key)
    if (this.recent.length > this.max) {
      this.recent.shift()
    }
    return false
  }
}

import type { Logger, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface DisconnectChecksInit {
  connectionManager: Pick<ConnectionManager, 'getConnections' | 'openConnection'>
  /** wait after a disconnect before dialing, so that a peer that reconnects by itself is not dialed at all */
  delayMs: number
  /** called for a peer that did not answer our dial */
  gone: (peer: PeerId) => void
  log: Logger
  /** aborted at shutdown: pending checks stop, and nobody is declared gone */
  signal: AbortSignal
}

/** How long a peer that dropped its connection has to answer our dial. */
const CONFIRM_DIAL_TIMEOUT_MS = 5000

/**
 * A dropped connection may mean the peer died: confirm by dialing it, rather than waiting for its lifetime to run
 * out (minutes for a peer a relay vouches for). One check per peer at a time.
 */
export class DisconnectChecks {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(private readonly init: DisconnectChecksInit) {
    init.signal.addEventListener('abort', () => this.clear(), { once: true })
  }

  /** `peer`, listed by us, lost its connection to us: dial it after the delay. */
  disconnected(peer: PeerId): void {
    const key = peer.toString()
    if (this.pending.has(key) || this.init.signal.aborted) {
      return
    }
    const timer = setTimeout(() => {
      void this.confirmGone(peer).finally(() => this.pending.delete(key))
    }, this.init.delayMs)
    this.pending.set(key, timer)
  }

  private clear(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer)
    }
  }

  private async confirmGone(peer: PeerId): Promise<void> {
    const { connectionManager, signal } = this.init
    if (connectionManager.getConnections(peer).length > 0) {
      return
    }
    try {
      await connectionManager.openConnection(peer, {
        signal: AbortSignal.any([AbortSignal.timeout(CONFIRM_DIAL_TIMEOUT_MS), signal])
      })
    } catch (err) {
      if (signal.aborted) {
        return
      }
      this.init.log('%p did not answer after disconnecting - %e', peer, err)
      this.init.gone(peer)
    }
  }
}

import type { Logger } from '@libp2p/interface'
import { BoundedMap } from '../common/bounded-map.ts'

/** Most reports per peer per REPORT_WINDOW_MS: a hostile peer cannot flood the user with errors. */
const MAX_REPORTS = 10
const REPORT_WINDOW_MS = 10_000
/** Peers whose report counts are remembered. */
const MAX_TRACKED_PEERS = 1024

export interface Refusal {
  groupId?: string
  peer: string
  error: Error
}

/** Reports input refused from peers (logged always, surfaced a few times per window at most). */
export class Reporter {
  private readonly counts = new BoundedMap<string, { count: number; since: number }>(MAX_TRACKED_PEERS)

  constructor(
    private readonly emit: (refusal: Refusal) => void,
    private readonly log: Logger
  ) {}

  report(groupId: string | undefined, peer: string, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    this.log('refused input from %s in %s - %e', peer, groupId ?? 'directory', error)
    const now = Date.now()
    const c = this.counts.get(peer)
    if (c == null || now - c.since > REPORT_WINDOW_MS) {
      this.counts.set(peer, { count: 1, since: now })
    } else if (++c.count > MAX_REPORTS) {
      return
    }
    this.emit({ ...(groupId ? { groupId } : {}), peer, error })
  }
}

import type { PeerId } from '@libp2p/interface'
import { isBanned, type RelayState } from './state.ts'

/** One refusal log line per peer and kind this often: a banned client retrying must not flood the log. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000

/** A peer turned away, as the relay reports it. */
export interface Refusal {
  peerId: string
  what: string
  reason: string
}

/**
 * Who the relay turns away (banned peers, and kicked ones for `kickCooldownSeconds`), and the reports of it, at most
 * one per peer, kind and reason every REFUSAL_LOG_INTERVAL_MS. Keys exist only for banned or kicked peers, whom
 * admins name, so the maps stay small.
 */
export class Refusals {
  private readonly cooldowns = new Map<string, number>()
  private readonly logged = new Map<string, number>()

  constructor(
    private readonly state: RelayState,
    private readonly report: (refusal: Refusal) => void
  ) {}

  /** `peer` is refused until `untilMs` (a kick). */
  coolDown(peer: string, untilMs: number): void {
    this.cooldowns.set(peer, untilMs)
  }

  /** Why `peer` is turned away from `what`, if it is; reported within the log budget. */
  reason(peer: PeerId, what: string, now = Date.now()): string | undefined {
    const id = peer.toString()
    let reason: string | undefined
    if (isBanned(this.state, id)) {
      reason = 'banned'
    } else if ((this.cooldowns.get(id) ?? 0) > now) {
      reason = 'kicked a moment ago'
    } else {
      this.cooldowns.delete(id)
    }
    if (reason != null) {
      const key = `${id}/${what}/${reason}`
      if ((this.logged.get(key) ?? 0) < now - REFUSAL_LOG_INTERVAL_MS) {
        this.logged.set(key, now)
        this.report({ peerId: id, what, reason })
      }
    }
    return reason
  }
}

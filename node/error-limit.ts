import {
  describeSuppressed,
  type ReportBudgetInit,
  ReportLimiter,
  type SuppressedReports
} from '../protocols/common/index.ts'
import type { ChatErrorInfo } from './events.ts'

/**
 * `error` events shown per window: a hostile peer can cause one per stream it opens (thousands a minute), which
 * would bury everything else on the screen. Beyond this, errors are counted and summed up once per window.
 */
export const ERROR_BUDGET: ReportBudgetInit = { perSource: 20, total: 100, windowMs: 60_000 }

/** Code of the one `error` per window that sums up the errors not shown. */
export const ERRORS_SUPPRESSED = 'ERRORS_SUPPRESSED'

/** Errors we caused ourselves (a full disk, say) share one budget. */
const LOCAL = 'local'

function peerOf(event: Event): string | undefined {
  if (!(event instanceof CustomEvent) || typeof event.detail !== 'object' || event.detail == null) {
    return undefined
  }
  const peerId: unknown = (event.detail as Partial<ChatErrorInfo>).peerId
  return typeof peerId === 'string' ? peerId : undefined
}

/** The summary event for what was held back. */
export function suppressedErrorEvent(s: SuppressedReports): CustomEvent<ChatErrorInfo> {
  return new CustomEvent('error', { detail: { code: ERRORS_SUPPRESSED, message: describeSuppressed(s, 'errors') } })
}

/** Filters a node's `error` events through ERROR_BUDGET; `dispatch` sends the summaries, unfiltered. */
export class ErrorEventLimiter {
  private readonly limiter: ReportLimiter

  constructor(dispatch: (event: Event) => void, budget: ReportBudgetInit = ERROR_BUDGET) {
    this.limiter = new ReportLimiter(budget, (s) => dispatch(suppressedErrorEvent(s)))
  }

  /** True unless `event` is an `error` over the budget of the peer that caused it or of everyone. */
  admit(event: Event): boolean {
    return event.type !== 'error' || this.limiter.admit(peerOf(event) ?? LOCAL)
  }

  /** Sends the summary of anything held back now. */
  flush(): void {
    this.limiter.stop()
  }
}

/** How many reports one fixed window lets through, per source and from everyone together. */
export interface ReportBudgetInit {
  /** reports one source (a PeerId) may cause per window */
  perSource: number
  /** reports all sources together may cause per window: PeerIds cost nothing to make */
  total: number
  /** length of a window */
  windowMs: number
}

/** What was held back since the last summary. */
export interface SuppressedReports {
  count: number
  /** distinct sources among them (at most MAX_TRACKED_SOURCES are told apart) */
  sources: number
  /** the sources that caused the most, most first, at most three */
  top: Array<{ source: string; count: number }>
}

/** Sources whose suppressed counts are kept apart; beyond that they are only counted. */
const MAX_TRACKED_SOURCES = 1024

/**
 * Admits the first few reports of each source and of everyone per fixed window and counts the rest, so a hostile
 * peer can neither flood the user's screen nor hide its flood: the count comes back as one summary. Pure: the
 * caller passes the time and decides when to ask for the summary.
 */
export class ReportBudget {
  private windowStart = Number.NEGATIVE_INFINITY
  private admittedTotal = 0
  private readonly admitted = new Map<string, number>()
  private suppressed = 0
  private readonly suppressedBy = new Map<string, number>()

  constructor(readonly init: ReportBudgetInit) {}

  /** True if the report should be shown; false if it is only counted. */
  admit(source: string, now: number): boolean {
    if (now - this.windowStart >= this.init.windowMs) {
      this.windowStart = now
      this.admittedTotal = 0
      this.admitted.clear()
    }
    const mine = this.admitted.get(source) ?? 0
    if (mine < this.init.perSource && this.admittedTotal < this.init.total) {
      // at most `total` sources per window get an entry, so this map is bounded too
      this.admitted.set(source, mine + 1)
      this.admittedTotal++
      return true
    }
    this.suppressed++
    const counted = this.suppressedBy.get(source)
    if (counted != null || this.suppressedBy.size < MAX_TRACKED_SOURCES) {
      this.suppressedBy.set(source, (counted ?? 0) + 1)
    }
    return false
  }

  /** When the current window ends: the right moment for a summary. */
  windowEnd(): number {
    return this.windowStart + this.init.windowMs
  }

  /** What was held back since the last call, or undefined if nothing was; starts counting afresh. */
  takeSuppressed(): SuppressedReports | undefined {
    if (this.suppressed === 0) {
      return undefined
    }
    const top = [...this.suppressedBy]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([source, count]) => ({ source, count }))
    const summary = { count: this.suppressed, sources: this.suppressedBy.size, top }
    this.suppressed = 0
    this.suppressedBy.clear()
    return summary
  }
}

/**
 * A ReportBudget with a timer: reports over the budget are held back, and once per window in which some were,
 * `onSuppressed` gets one summary. stop() reports what is pending and clears the timer.
 */
export class ReportLimiter {
  private readonly budget: ReportBudget
  private timer?: ReturnType<typeof setTimeout>

  constructor(
    init: ReportBudgetInit,
    private readonly onSuppressed: (summary: SuppressedReports) => void
  ) {
    this.budget = new ReportBudget(init)
  }

  /** True if a report caused by `source` should be shown now. */
  admit(source: string): boolean {
    const now = Date.now()
    if (this.budget.admit(source, now)) {
      return true
    }
    if (this.timer == null) {
      this.timer = setTimeout(() => this.flush(), Math.max(this.budget.windowEnd() - now, 0))
      // a summary due later must not keep a process alive that is otherwise done
      this.timer.unref?.()
    }
    return false
  }

  /** Reports what is pending now and stops the timer. */
  stop(): void {
    this.flush()
  }

  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const summary = this.budget.takeSuppressed()
    if (summary != null) {
      this.onSuppressed(summary)
    }
  }
}

/** "4664 more from 12 peers (most from 12D3KooW...: 4600)" */
export function describeSuppressed(s: SuppressedReports, what: string): string {
  const from = s.sources === 1 ? '1 peer' : `${s.sources >= MAX_TRACKED_SOURCES ? 'at least ' : ''}${s.sources} peers`
  const top = s.top.map((t) => `${t.source}: ${t.count}`).join(', ')
  return `${s.count} more ${what} from ${from} were not shown (most from ${top})`
}

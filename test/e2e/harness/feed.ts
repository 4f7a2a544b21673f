/** What to do while waiting: from which index on to look, and for how long. */
export interface WaitInit {
  /** only items at this index or later count, so a test can wait for what comes after its own action */
  from?: number
  /** @default 20_000 */
  timeoutMs?: number
}

/** The default wait: generous, because e2e processes share a loaded machine. */
export const WAIT_MS = 20_000

/**
 * A growing list of items (JSON events, output lines) that a test waits on. Waiting is event-driven: every push
 * re-checks the waiters, so nothing sleeps; a closed feed rejects the waits that can no longer be met.
 */
export class Feed<T> {
  readonly items: T[] = []
  private readonly waiters = new Set<() => void>()
  private closedBecause: string | undefined

  constructor(
    /** names the feed in errors, e.g. the peer's name */
    readonly label: string,
    /** the recent context shown when a wait fails */
    private readonly context: () => string
  ) {}

  push(item: T): void {
    this.items.push(item)
    for (const wake of this.waiters) {
      wake()
    }
  }

  /** No more items will come (the process ended): pending waits fail now instead of at their timeout. */
  close(why: string): void {
    this.closedBecause = why
    for (const wake of this.waiters) {
      wake()
    }
  }

  /** Resolves with the first item from `from` on that matches `pred`; rejects after `timeoutMs` or when closed. */
  waitFor<U extends T>(
    what: string,
    pred: ((item: T) => item is U) | ((item: T) => boolean),
    { from = 0, timeoutMs = WAIT_MS }: WaitInit = {}
  ): Promise<U> {
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        done()
        reject(new Error(`${this.label}: ${why} waiting for ${what}.\n${this.context()}`))
      }
      const check = (): void => {
        const hit = this.items.slice(from).find(pred)
        if (hit !== undefined) {
          done()
          resolve(hit as U)
        } else if (this.closedBecause != null) {
          fail(this.closedBecause)
        }
      }
      const timer = setTimeout(() => fail(`nothing within ${timeoutMs} ms`), timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }
}

/** How often `until` looks again. */
const POLL_MS = 100

/**
 * Polls `check` until it returns a value other than undefined or false, for conditions no event reports
 * (gossipsub's view of its peers, a terminal screen, a file appearing). Rejects after `timeoutMs`.
 */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = WAIT_MS,
  describe: () => string = () => ''
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) {
      return value
    }
    if (Date.now() > deadline) {
      const detail = describe()
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail === '' ? '' : `:\n${detail}`}`)
    }
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}

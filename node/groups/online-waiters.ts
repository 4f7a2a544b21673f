/** Waits for any of some peers to come online: the node reports each peer that does. */
export class OnlineWaiters {
  private readonly waiters = new Set<(peerId: string) => void>()

  /** A peer came online. */
  online(peerId: string): void {
    for (const waiter of this.waiters) {
      waiter(peerId)
    }
  }

  /** Resolves true when one of `peers` comes online within `timeoutMs`, false when none does or `signal` aborts. */
  async any(peers: ReadonlySet<string>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted === true) {
      return false
    }
    let cleanup = (): void => {}
    try {
      return await new Promise<boolean>((resolve) => {
        const waiter = (peerId: string): void => {
          if (peers.has(peerId)) resolve(true)
        }
        const timer = setTimeout(() => resolve(false), timeoutMs)
        const onAbort = (): void => resolve(false)
        this.waiters.add(waiter)
        signal?.addEventListener('abort', onAbort, { once: true })
        cleanup = () => {
          clearTimeout(timer)
          this.waiters.delete(waiter)
          signal?.removeEventListener('abort', onAbort)
        }
      })
    } finally {
      cleanup()
    }
  }
}

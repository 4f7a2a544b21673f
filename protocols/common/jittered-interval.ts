/**
 * Calls `tick` every `intervalMs` ±20% until stopped: peers that started together (a LAN, a relay's clients after
 * its restart) do not stay in step, so their rounds do not all land at once.
 */
export class JitteredInterval {
  private timer?: ReturnType<typeof setTimeout>
  private running = false

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => void
  ) {}

  start(): void {
    this.running = true
    this.schedule()
  }

  stop(): void {
    this.running = false
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule(): void {
    if (!this.running) {
      return
    }
    const delay = Math.round(this.intervalMs * (0.8 + 0.4 * Math.random()))
    this.timer = setTimeout(() => {
      this.tick()
      this.schedule()
    }, delay)
  }
}

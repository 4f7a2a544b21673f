/**
 * The acks of one DM stream, for DMs answered concurrently: each DM starts being answered (opened, stored) as soon as
 * it is read, so that a burst shares the receiver's writes (EndToEnd's group commit), and the acks still go out in
 * the order the DMs came. At most `maxBytes` of DMs are held unanswered; past that, reading waits for the oldest.
 */
export class AckQueue {
  private readonly queue: Array<{ written: Promise<void>; settled: boolean }> = []
  private held = 0

  constructor(
    private readonly write: (ack: Uint8Array) => Promise<void>,
    private readonly maxBytes: number
  ) {}

  /** Queues the ack of a DM of `bytes` whose answer is under way; resolves when another DM may be read. */
  async push(answer: Promise<Uint8Array>, bytes: number): Promise<void> {
    // awaited in turn below, or the stream fails and nobody needs it
    answer.catch(() => {})
    const previous = this.queue.at(-1)?.written ?? Promise.resolve()
    const entry = { written: Promise.resolve(), settled: false }
    entry.written = previous
      .then(async () => this.write(await answer))
      .finally(() => {
        entry.settled = true
        this.held -= bytes
      })
    entry.written.catch(() => {})
    this.held += bytes
    this.queue.push(entry)
    while (this.queue[0]?.settled === true) {
      await this.queue.shift()?.written
    }
    while (this.held > this.maxBytes && this.queue.length > 0) {
      await this.queue.shift()?.written
    }
  }

  /** Resolves once every queued ack is written; rejects with the failure of the first that was not. */
  async drain(): Promise<void> {
    for (const entry of this.queue.splice(0)) {
      await entry.written
    }
  }
}

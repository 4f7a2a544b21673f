import type { MultiBar, SingleBar } from 'cli-progress'
import type { OutputEvent } from './output.ts'
import { formatBytes, formatEta, formatRate, percent } from './transfer-format.ts'

type Progress = Extract<OutputEvent, { type: 'progress' }>

/**
 * Live progress bars for line mode in a terminal (cli-progress), one per moving transfer. Other output
 * is printed above the bars so they stay at the bottom instead of being torn apart by new lines.
 */
export class TransferBars {
  private readonly multibar: MultiBar
  private readonly bars = new Map<string, SingleBar>()

  /** Loads cli-progress, which only a terminal with moving transfers needs, and opens the bars on `stream`. */
  static async open(stream: NodeJS.WriteStream): Promise<TransferBars> {
    return new TransferBars(stream, await import('cli-progress'))
  }

  private constructor(
    private readonly stream: NodeJS.WriteStream,
    { MultiBar, Presets }: typeof import('cli-progress')
  ) {
    this.multibar = new MultiBar(
      {
        stream,
        format: '  [{shortId}] {doing} {name} |{bar}| {pct}% {done}/{size} {speed} ETA {left}',
        barsize: 24,
        hideCursor: false,
        clearOnComplete: true,
        // we report a few times a second already; redraw on each report, not on a timer of its own
        fps: 5,
        autopadding: true
      },
      Presets.shades_classic
    )
  }

  /** Shows a progress event as a bar; ends a transfer's bar when its outcome arrives. Returns true if consumed. */
  take(event: OutputEvent): boolean {
    if (event.type === 'progress') {
      this.update(event)
      return true
    }
    const id = event.type === 'error' ? event.transfer : 'id' in event ? event.id : undefined
    if (id != null && event.type !== 'offer') {
      this.end(id)
    }
    return false
  }

  /** Prints a line above the bars. */
  print(text: string): void {
    if (this.bars.size > 0) {
      this.multibar.log(`${text}\n`)
    } else {
      this.stream.write(`${text}\n`)
    }
  }

  stop(): void {
    this.multibar.stop()
    this.bars.clear()
  }

  private update(event: Progress): void {
    const payload = {
      shortId: event.shortId,
      doing: event.phase === 'hashing' ? 'hashing  ' : event.direction === 'out' ? 'sending  ' : 'receiving',
      name: event.name.length > 24 ? `${event.name.slice(0, 23)}…` : event.name,
      pct: String(percent(event.bytes, event.size)).padStart(3),
      done: formatBytes(event.bytes),
      size: formatBytes(event.size),
      speed: formatRate(event.rate),
      left: formatEta(event.etaSeconds)
    }
    const key = `${event.id}:${event.phase === 'hashing' ? 'hash' : 'data'}`
    let bar = this.bars.get(key)
    if (bar == null) {
      if (event.phase !== 'hashing') {
        this.endKey(`${event.id}:hash`)
      }
      bar = this.multibar.create(Math.max(event.size, 1), event.bytes, payload)
      this.bars.set(key, bar)
    }
    bar.update(event.bytes, payload)
  }

  private end(id: string): void {
    this.endKey(`${id}:hash`)
    this.endKey(`${id}:data`)
  }

  private endKey(key: string): void {
    const bar = this.bars.get(key)
    if (bar != null) {
      this.multibar.remove(bar)
      this.bars.delete(key)
    }
    if (this.bars.size === 0) {
      this.multibar.stop()
    }
  }
}

/** Without a terminal (a log, a pipe) a bar cannot redraw: let one progress line through per 10% step instead. */
export class ProgressThrottle {
  private readonly lastStep = new Map<string, number>()

  allow(event: Progress): boolean {
    const key = `${event.id}:${event.phase}`
    const step = Math.floor(percent(event.bytes, event.size) / 10)
    if (this.lastStep.get(key) === step) {
      return false
    }
    this.lastStep.set(key, step)
    return true
  }
}

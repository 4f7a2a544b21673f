import { Writable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import type { OutputEvent } from '../../../cli/output.ts'
import { ProgressThrottle, TransferBars } from '../../../cli/transfer-progress.ts'

/** A stand-in terminal that records what is drawn. */
class FakeTerminal extends Writable {
  readonly isTTY = true
  readonly columns = 160
  text = ''
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

function progress(bytes: number): Extract<OutputEvent, { type: 'progress' }> {
  return {
    type: 'progress',
    id: 'abcdef0123',
    shortId: 'abcdef',
    direction: 'in',
    phase: 'receiving',
    name: 'movie.mkv',
    bytes,
    size: 100 * 1024 * 1024,
    rate: 20 * 1024 * 1024,
    etaSeconds: 3
  }
}

describe('TransferBars', () => {
  it('draws a bar with percent, rate and ETA, prints other lines above it, and ends it with the outcome', async () => {
    const term = new FakeTerminal()
    const bars = await TransferBars.open(term as unknown as NodeJS.WriteStream)
    expect(bars.take(progress(40 * 1024 * 1024))).toBe(true)
    bars.print('* hello')
    // the bar redraws on its own timer: wait for that draw, not for a fixed time
    await vi.waitFor(() => expect(term.text).toMatch(/ 40% 40 MB\/100 MB 20 MB\/s ETA 0:03/), { timeout: 10_000 })
    expect(term.text).toContain('movie.mkv')
    expect(term.text).toContain('* hello')
    const done: OutputEvent = {
      type: 'done',
      id: 'abcdef0123',
      shortId: 'abcdef',
      direction: 'in',
      peer: { peerId: 'p', name: 'alice' },
      name: 'movie.mkv',
      size: 1,
      sha256: '00'
    }
    expect(bars.take(done)).toBe(false)
    bars.stop()
  })
})

describe('ProgressThrottle', () => {
  it('lets one line through per 10% step', () => {
    const throttle = new ProgressThrottle()
    const allowed = [0, 1, 5, 10, 11, 25, 99, 100].map((mb) => throttle.allow(progress(mb * 1024 * 1024)))
    expect(allowed).toEqual([true, false, false, true, false, true, true, true])
  })
})

import { describe, expect, it } from 'vitest'
import type { DisplayNames, OutputEvent } from '../../../cli/output.ts'
import { applyEvent, EMPTY_VIEW, type ViewState } from '../../../cli/tui/view-state.ts'

const names: DisplayNames = (_peerId, fallback) => fallback

function progress(id: string, bytes: number): OutputEvent {
  return {
    type: 'progress',
    id,
    shortId: id.slice(0, 6),
    direction: 'in',
    phase: 'receiving',
    name: `${id}.bin`,
    bytes,
    size: 100,
    rate: 10,
    etaSeconds: 1
  }
}

function shown(state: ViewState): string[] {
  return state.lines.map((l) => l.segments.map((s) => s.text).join(''))
}

describe('transfer progress in the full-screen view', () => {
  it('redraws one line per transfer instead of adding a line per report', () => {
    let state = EMPTY_VIEW
    for (const event of [
      progress('aaaaaa', 10),
      progress('bbbbbb', 5),
      progress('aaaaaa', 50),
      progress('bbbbbb', 99)
    ]) {
      state = applyEvent(state, event, names)
    }
    expect(shown(state)).toEqual([
      '  [aaaaaa] receiving aaaaaa.bin 50% 50 B/100 B 10 B/s ETA 0:01',
      '  [bbbbbb] receiving bbbbbb.bin 99% 99 B/100 B 10 B/s ETA 0:01'
    ])
    expect(state.lines.map((l) => l.key)).toEqual([0, 1])
  })
})

import { describe, expect, it } from 'vitest'
import type { DisplayNames, OutputEvent } from '../../../cli/output.ts'
import type { LineContent } from '../../../cli/tui/format.ts'
import {
  addLines,
  applyEvent,
  EMPTY_VIEW,
  MAX_LINES,
  scrollBy,
  type ViewState,
  visibleLines
} from '../../../cli/tui/view-state.ts'

const names: DisplayNames = (_peerId, fallback) => fallback
const bob = { peerId: '12D3KooWBob', name: 'bob' }

function plain(text: string): LineContent {
  return { segments: [{ text }] }
}

function shown(lines: ViewState['lines']): string[] {
  return lines.map((l) => l.segments.map((s) => s.text).join(''))
}

function withLines(count: number, from: ViewState = EMPTY_VIEW): ViewState {
  return addLines(
    from,
    Array.from({ length: count }, (_, i) => plain(`line ${i}`))
  )
}

describe('view state', () => {
  it('keeps at most MAX_LINES, dropping the oldest, with unique keys', () => {
    let view = EMPTY_VIEW
    for (let i = 0; i < MAX_LINES + 50; i++) {
      view = addLines(view, [plain(`line ${i}`)])
    }
    expect(view.lines).toHaveLength(MAX_LINES)
    expect(shown(view.lines)[0]).toBe('line 50')
    expect(new Set(view.lines.map((l) => l.key)).size).toBe(MAX_LINES)
  })

  it('ticks a DM when it is delivered', () => {
    const sent: OutputEvent = { type: 'sent', id: 'dm-1', scope: 'dm', to: bob, text: 'hey', ts: 0 }
    let view = applyEvent(EMPTY_VIEW, sent, names)
    view = applyEvent(view, { type: 'join', ...bob }, names)
    view = applyEvent(view, { type: 'delivered', id: 'dm-1', to: bob }, names)
    expect(view.lines).toHaveLength(2)
    expect(view.lines[0].delivered).toBe(true)
    expect(view.lines[1].delivered).toBeUndefined()
  })

  it('marks a DM queued, then ticks it when it is delivered however late', () => {
    const sent: OutputEvent = { type: 'sent', id: 'dm-2', scope: 'dm', to: bob, text: 'are you there?', ts: 0 }
    let view = applyEvent(EMPTY_VIEW, sent, names)
    view = applyEvent(view, { type: 'queued', id: 'dm-2', to: bob, via: ['outbox', 'relay:R'] }, names)
    expect(view.lines).toHaveLength(1)
    expect(view.lines[0]).toMatchObject({ queued: true })
    expect(view.lines[0].delivered).toBeUndefined()
    view = applyEvent(view, { type: 'delivered', id: 'dm-2', to: bob }, names)
    expect(view.lines[0]).toMatchObject({ queued: true, delivered: true })
  })

  it('says so in a line when the delivered DM is no longer on screen', () => {
    const view = applyEvent(EMPTY_VIEW, { type: 'delivered', id: 'gone', to: bob }, names)
    expect(shown(view.lines)).toEqual(['  delivered to bob'])
  })

  it('shows the newest lines that fit', () => {
    const view = withLines(10)
    expect(shown(visibleLines(view, 3))).toEqual(['line 7', 'line 8', 'line 9'])
    expect(visibleLines(view, 50)).toHaveLength(10)
    expect(visibleLines(EMPTY_VIEW, 5)).toEqual([])
  })

  it('scrolls back and forth within the lines it has', () => {
    const view = withLines(10)
    expect(shown(visibleLines(scrollBy(view, 4), 3))).toEqual(['line 3', 'line 4', 'line 5'])
    expect(scrollBy(view, 100).scroll).toBe(9)
    expect(scrollBy(scrollBy(view, 4), -100).scroll).toBe(0)
    expect(scrollBy(EMPTY_VIEW, 5).scroll).toBe(0)
  })

  it('stays on what it shows while scrolled back, and follows new lines at the bottom', () => {
    const back = scrollBy(withLines(10), 4)
    const before = shown(visibleLines(back, 3))
    const after = addLines(back, [plain('new 1'), plain('new 2')])
    expect(shown(visibleLines(after, 3))).toEqual(before)
    expect(after.scroll).toBe(6)
    expect(shown(visibleLines(addLines(withLines(10), [plain('new')]), 1))).toEqual(['new'])
  })
})

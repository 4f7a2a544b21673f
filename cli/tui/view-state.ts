import type { DisplayNames, OutputEvent } from '../output.ts'
import { formatEvent, type LineContent, type ViewLine } from './format.ts'

/** Lines the message pane keeps; older ones are dropped so a long session's memory stays flat. */
export const MAX_LINES = 1000

/** What the message pane shows. */
export interface ViewState {
  lines: readonly ViewLine[]
  /** key for the next line (React needs stable keys while old lines drop off the top) */
  nextKey: number
  /** lines hidden below the bottom of the pane while scrolled back; 0 follows new messages */
  scroll: number
}

export const EMPTY_VIEW: ViewState = { lines: [], nextKey: 0, scroll: 0 }

/** Appends lines, dropping the oldest beyond MAX_LINES; a scrolled-back view stays on what it shows. */
export function addLines(state: ViewState, added: readonly LineContent[]): ViewState {
  if (added.length === 0) {
    return state
  }
  const fresh = added.map((line, i) => ({ ...line, key: state.nextKey + i }))
  const lines = [...state.lines, ...fresh].slice(-MAX_LINES)
  const scroll = state.scroll === 0 ? 0 : Math.min(state.scroll + fresh.length, lines.length - 1)
  return { lines, nextKey: state.nextKey + fresh.length, scroll }
}

/** Applies one controller event: a `delivered` ticks its DM (a `queued` marks it waiting), a `progress` redraws its line; the rest become lines. */
export function applyEvent(state: ViewState, event: OutputEvent, names: DisplayNames): ViewState {
  if (event.type === 'delivered' || event.type === 'queued') {
    const index = state.lines.findLastIndex((l) => l.messageId === event.id)
    if (index >= 0) {
      const lines = [...state.lines]
      lines[index] = { ...lines[index], ...(event.type === 'delivered' ? { delivered: true } : { queued: true }) }
      return { ...state, lines }
    }
  }
  if (event.type === 'progress') {
    const line = { ...formatEvent(event, names)[0], progressId: event.id }
    const index = state.lines.findLastIndex((l) => l.progressId === event.id)
    if (index < 0) {
      return addLines(state, [line])
    }
    const lines = [...state.lines]
    lines[index] = { ...line, key: lines[index].key }
    return { ...state, lines }
  }
  return addLines(state, formatEvent(event, names))
}

/** Scrolls by `delta` lines (positive is back in time), keeping at least one line on screen. */
export function scrollBy(state: ViewState, delta: number): ViewState {
  const scroll = Math.max(0, Math.min(state.scroll + delta, state.lines.length - 1))
  return scroll === state.scroll ? state : { ...state, scroll }
}

/** The last `rows` lines above the scroll position: enough to fill a pane of that height, since no line is shorter. */
export function visibleLines(state: ViewState, rows: number): readonly ViewLine[] {
  const end = state.lines.length - state.scroll
  return state.lines.slice(Math.max(0, end - Math.max(0, rows)), end)
}

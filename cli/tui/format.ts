import { type DisplayNames, LEAVE_REASONS, type OutputEvent, ROUTE_MARKS, sanitize, toTextLine } from '../output.ts'

/** A run of text in one style. Colours are ink/chalk colour names. */
export interface Segment {
  text: string
  color?: string
  bold?: boolean
  dim?: boolean
}

/** One entry of the message pane (it may wrap onto several rows). */
export interface ViewLine {
  key: number
  segments: Segment[]
  /** the message this line shows, so a later `delivered` can tick it */
  messageId?: string
  delivered?: boolean
  /** the DM waits in the outbox (until a `delivered` ticks it) */
  queued?: boolean
  /** the file transfer whose progress this line shows, so the next `progress` redraws it instead of adding one */
  progressId?: string
}

export type LineContent = Omit<ViewLine, 'key'>

/** Colours for other people's names; red (errors) and magenta (DMs) are kept for those. */
const NAME_COLORS = ['green', 'yellow', 'blue', 'cyan', 'greenBright', 'yellowBright', 'blueBright', 'cyanBright']

/** The same peer always gets the same colour. */
export function nameColor(peerId: string): string {
  let hash = 0
  for (const ch of peerId) {
    hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0
  }
  return NAME_COLORS[hash % NAME_COLORS.length]
}

/** Remote text made safe for the screen; tabs become spaces because ink measures a tab as zero columns. */
export function safe(text: string): string {
  return sanitize(text).replace(/\t/g, '  ')
}

function clock(ts: number): Segment {
  const d = new Date(ts)
  return { text: `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')} `, dim: true }
}

function notice(text: string, color?: string): LineContent {
  return { segments: [{ text, dim: color == null, ...(color == null ? {} : { color }) }] }
}

/** Plain lines for events without a TUI look of their own: the line-mode text, one entry per line. */
function fallback(event: OutputEvent, names: DisplayNames): LineContent[] {
  return toTextLine(event, names)
    .split('\n')
    .map((text) => notice(text))
}

/** Turns an OutputEvent into message-pane lines. `delivered` is not a line: the view ticks the DM it belongs to. */
export function formatEvent(event: OutputEvent, names: DisplayNames): LineContent[] {
  const who = (peerId: string, name: string): string => safe(names(peerId, name))
  switch (event.type) {
    case 'message': {
      const from = { text: who(event.from.peerId, event.from.name), bold: true, color: nameColor(event.from.peerId) }
      if (event.scope === 'dm') {
        const dm: Segment = { text: '[dm] ', color: 'magenta', bold: true }
        return [{ segments: [clock(event.ts), dm, { ...from, color: 'magenta' }, { text: `: ${safe(event.text)}` }] }]
      }
      if (event.group != null) {
        const group: Segment = { text: `[${safe(event.group.name)}] `, color: 'blue', bold: true }
        return [{ segments: [clock(event.ts), group, from, { text: `: ${safe(event.text)}` }] }]
      }
      return [{ segments: [clock(event.ts), from, { text: `: ${safe(event.text)}` }] }]
    }
    case 'sent': {
      if (event.scope === 'dm' && event.to != null) {
        const to = `[dm -> ${who(event.to.peerId, event.to.name)}] `
        return [
          {
            messageId: event.id,
            segments: [clock(event.ts), { text: to, color: 'magenta', bold: true }, { text: safe(event.text) }]
          }
        ]
      }
      if (event.group != null) {
        const group: Segment = { text: `[${safe(event.group.name)}] `, color: 'blue', bold: true }
        const you: Segment = { text: 'you', bold: true, color: 'whiteBright' }
        return [{ messageId: event.id, segments: [clock(event.ts), group, you, { text: `: ${safe(event.text)}` }] }]
      }
      const line: LineContent = {
        messageId: event.id,
        segments: [
          clock(event.ts),
          { text: 'you', bold: true, color: 'whiteBright' },
          { text: `: ${safe(event.text)}` }
        ]
      }
      return event.recipients === 0 ? [line, notice('* nobody else is online yet')] : [line]
    }
    case 'join':
      return [notice(`* ${who(event.peerId, event.name)} joined`, 'green')]
    case 'leave': {
      const why = LEAVE_REASONS[event.reason] ?? ''
      return [notice(`* ${who(event.peerId, event.displayName ?? event.name)} left${why}`, 'yellow')]
    }
    case 'users': {
      const list: Segment[] = event.users.flatMap((u, i) => [
        ...(i === 0 ? [] : [{ text: ', ' }]),
        ...(u.self
          ? [{ text: `${safe(u.displayName)} (you)`, bold: true }]
          : [
              { text: safe(u.displayName), color: nameColor(u.peerId) },
              ...(u.via == null ? [] : [{ text: ROUTE_MARKS[u.via], dim: true }])
            ])
      ])
      return [{ segments: [{ text: `* online (${event.users.length}): `, dim: true }, ...list] }]
    }
    case 'error':
      return [{ segments: [{ text: `! ${safe(event.message)}`, color: 'red' }] }]
    default:
      return fallback(event, names)
  }
}

import type { OutputEvent } from '../cli/output.ts'

/** Lines kept per conversation: older ones scroll away, so a chatty peer cannot grow the page without bound. */
export const MAX_LINES_PER_CONVERSATION = 500
/** Conversations kept besides the lobby: a flood of new PeerIds writing to us replaces the oldest idle ones. */
export const MAX_CONVERSATIONS = 100

/** What a transfer's line shows; updated in place as its events come. */
export interface TransferLine {
  id: string
  shortId: string
  direction: 'in' | 'out'
  peer: string
  name: string
  size: number
  bytes: number
  state: string
  /** an object URL to save a received file */
  url?: string
  error?: string
}

/** One line of a conversation. `text` is shown as text, never parsed as markup. */
export interface Line {
  kind: 'message' | 'sent' | 'system' | 'transfer'
  text: string
  /** a file offered, being sent or received: its line changes as it goes */
  transfer?: TransferLine
  from?: string
  id?: string
  delivered?: boolean
  ts?: number
}

/** The lobby, a DM with one peer, or a group. */
export interface Conversation {
  key: string
  kind: 'lobby' | 'dm' | 'group'
  /** PeerId of a DM's peer, id of a group */
  target?: string
  title: string
  lines: Line[]
  unread: number
  lastActive: number
}

/** Which conversation a message, a sent message or a delivery belongs to; undefined for everything else. */
export function conversationOf(
  event: OutputEvent
): Pick<Conversation, 'key' | 'kind' | 'target' | 'title'> | undefined {
  if (event.type === 'message' || event.type === 'sent') {
    if (event.group != null) {
      return { key: `group:${event.group.id}`, kind: 'group', target: event.group.id, title: event.group.name }
    }
    const peer = event.type === 'message' ? (event.scope === 'dm' ? event.from : undefined) : event.to
    if (event.scope === 'dm' && peer != null) {
      return { key: `dm:${peer.peerId}`, kind: 'dm', target: peer.peerId, title: peer.name }
    }
    return { key: 'lobby', kind: 'lobby', title: 'Lobby' }
  }
  if (event.type === 'delivered') {
    return { key: `dm:${event.to.peerId}`, kind: 'dm', target: event.to.peerId, title: event.to.name }
  }
  return undefined
}

/** Every conversation of the page, bounded in number and length, with unread counts. */
export class Conversations {
  private readonly byKey = new Map<string, Conversation>()
  active: Conversation

  constructor() {
    this.active = this.open({ key: 'lobby', kind: 'lobby', title: 'Lobby' })
  }

  list(): Conversation[] {
    return [...this.byKey.values()]
  }

  /** The conversation `key`, created if new (dropping the oldest idle one past MAX_CONVERSATIONS). */
  open(c: Pick<Conversation, 'key' | 'kind' | 'target' | 'title'>): Conversation {
    let found = this.byKey.get(c.key)
    if (found == null) {
      found = { ...c, lines: [], unread: 0, lastActive: Date.now() }
      this.byKey.set(c.key, found)
      this.evict()
    }
    return found
  }

  /** Adds a line; counts it unread unless the conversation is the one on screen or the line is from history. */
  add(c: Conversation, line: Line, fromHistory = false): void {
    c.lines.push(line)
    if (c.lines.length > MAX_LINES_PER_CONVERSATION) {
      c.lines.splice(0, c.lines.length - MAX_LINES_PER_CONVERSATION)
    }
    c.lastActive = Date.now()
    if (c !== this.active && line.kind === 'message' && !fromHistory) {
      c.unread++
    }
  }

  select(key: string): Conversation | undefined {
    const c = this.byKey.get(key)
    if (c != null) {
      this.active = c
      c.unread = 0
    }
    return c
  }

  private evict(): void {
    while (this.byKey.size > MAX_CONVERSATIONS + 1) {
      const idle = this.list()
        .filter((c) => c.kind !== 'lobby' && c !== this.active)
        .sort((a, b) => a.lastActive - b.lastActive)[0]
      if (idle == null) {
        return
      }
      this.byKey.delete(idle.key)
    }
  }
}

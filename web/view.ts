import { type DisplayNames, type OutputEvent, stripControls, toTextLine } from '../cli/output.ts'
import type { Route } from '../node/events.ts'
import type { User } from '../node/users.ts'
import { type Conversation, Conversations, conversationOf, type Line } from './conversations.ts'
import { type TransferAction, TransferLines, transferElement } from './transfer-view.ts'

/** The page's elements, found once by id. */
export interface Elements {
  log: HTMLElement
  title: HTMLElement
  conversations: HTMLElement
  online: HTMLElement
  me: HTMLElement
}

/** Finds an element the page's markup must have. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id)
  if (!(el instanceof type)) {
    throw new Error(`the page has no ${type.name} #${id}`)
  }
  return el
}

/** Builds an element whose only content is `text`: what peers send is never parsed as markup. */
function el(tag: string, text: string, className?: string): HTMLElement {
  const node = document.createElement(tag)
  node.textContent = stripControls(text)
  if (className != null) {
    node.className = className
  }
  return node
}

function clock(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/**
 * Renders the controller's OutputEvents: messages into their conversation, everything else as a line of the one
 * on screen (in the words of the terminal client). Also the online list and the conversation list.
 */
export class ChatView {
  readonly conversations = new Conversations()
  private readonly delivered = new Map<string, Line>()
  /** set when the user typed /msg: the DM it sends opens its conversation */
  followNextDm = false
  /** called when the user picks a conversation, so the controller's room follows */
  onSelect: (c: Conversation) => void = () => undefined
  /** called when the user accepts or declines a file */
  onTransfer: TransferAction = () => undefined
  /** one line per file transfer, updated as it goes */
  readonly transfers: TransferLines

  constructor(
    private readonly ui: Elements,
    private readonly names: DisplayNames
  ) {
    this.transfers = new TransferLines(this.conversations, (peerId, fallback) => names(peerId, fallback))
  }

  /** Renders stored messages (history after a reload): in their conversations, never counted unread. */
  restore(events: OutputEvent[]): void {
    this.restoring = true
    try {
      for (const event of events) {
        this.render(event)
      }
    } finally {
      this.restoring = false
    }
  }

  private restoring = false

  render(event: OutputEvent): void {
    if (this.transfers.handle(event)) {
      this.refresh()
      return
    }
    const where = conversationOf(event)
    if (where == null) {
      this.follow(event)
      if (event.type !== 'room') {
        this.system(toTextLine(event, this.names))
      }
      return
    }
    const c = this.conversations.open(where)
    if (event.type === 'delivered') {
      const line = this.delivered.get(event.id)
      if (line != null) {
        line.delivered = true
        this.delivered.delete(event.id)
      }
    } else if (event.type === 'message') {
      this.conversations.add(
        c,
        {
          kind: 'message',
          id: event.id,
          from: this.names(event.from.peerId, event.from.name),
          text: event.text,
          ts: event.ts
        },
        this.restoring
      )
    } else if (event.type === 'sent') {
      const line: Line = { kind: 'sent', id: event.id, from: 'you', text: event.text, ts: event.ts }
      this.conversations.add(c, line)
      if (event.scope === 'dm' && !this.restoring) {
        this.delivered.set(event.id, line)
        if (this.followNextDm) {
          this.followNextDm = false
          this.select(c.key)
        }
      }
    }
    this.refresh()
  }

  /** A group we joined or created ourselves, or a /room typed in the box, opens that group's conversation. */
  private follow(event: OutputEvent): void {
    const group =
      event.type === 'group-joined' ? event.group : event.type === 'room' ? (event.room ?? undefined) : undefined
    if (event.type === 'room' && event.room == null) {
      // a DM conversation runs with the controller in the lobby room (plain text becomes /msg): only leave a group
      if (this.conversations.active.kind === 'group') {
        this.select('lobby')
      }
      return
    }
    if (group == null) {
      return
    }
    const c = this.conversations.open({ key: `group:${group.id}`, kind: 'group', target: group.id, title: group.name })
    // someone else adding us does not take the screen away from what we are reading
    if (event.type === 'room' || !('by' in event) || event.by == null) {
      this.select(c.key)
    }
  }

  /** A line of status, help or an error in the conversation on screen. */
  system(text: string): void {
    this.conversations.add(this.conversations.active, { kind: 'system', text })
    this.refresh()
  }

  select(key: string): void {
    const before = this.conversations.active
    const c = this.conversations.select(key)
    if (c != null) {
      // the controller's room answers with a `room` event that selects it again: no second round
      if (c !== before) {
        this.onSelect(c)
      }
      this.refresh()
    }
  }

  /** Opens (or creates) the DM conversation with `user`. */
  openDm(user: Pick<User, 'peerId' | 'name'>): void {
    const c = this.conversations.open({ key: `dm:${user.peerId}`, kind: 'dm', target: user.peerId, title: user.name })
    this.select(c.key)
  }

  /** The online list; `route` says whether a peer is reached directly or only through the relay. */
  showUsers(users: User[], me: string, route: (peerId: string) => Route | undefined = () => undefined): void {
    this.ui.online.replaceChildren(
      ...users.map((u) => {
        const item = document.createElement('li')
        if (u.peerId === me) {
          item.append(el('span', `${u.displayName} (you)`))
          return item
        }
        const button = el('button', u.displayName)
        button.title = `direct message to ${u.displayName}`
        button.addEventListener('click', () => this.openDm(u))
        item.append(button)
        const via = route(u.peerId)
        if (via != null) {
          const mark = el('small', via === 'direct' ? 'direct' : 'via relay', 'route')
          mark.dataset.route = via
          mark.title = via === 'direct' ? 'reached over a direct connection' : 'reached only through the relay'
          item.append(' ', mark)
        }
        return item
      })
    )
  }

  /** Redraws the conversation list and the log of the one on screen. */
  refresh(): void {
    const active = this.conversations.active
    this.ui.title.textContent = active.kind === 'dm' ? `Direct messages with ${active.title}` : active.title
    this.ui.conversations.replaceChildren(...this.conversations.list().map((c) => this.conversationItem(c)))
    this.ui.log.replaceChildren(
      ...active.lines.map((line) =>
        line.transfer != null ? transferElement(line.transfer, (a, id) => this.onTransfer(a, id)) : lineElement(line)
      )
    )
    this.ui.log.scrollTop = this.ui.log.scrollHeight
  }

  private conversationItem(c: Conversation): HTMLElement {
    const item = document.createElement('li')
    const label = c.kind === 'group' ? `# ${c.title}` : c.kind === 'dm' ? `@ ${c.title}` : c.title
    const button = el('button', label)
    if (c === this.conversations.active) {
      button.setAttribute('aria-current', 'true')
    }
    if (c.unread > 0) {
      const badge = el('span', String(c.unread), 'unread')
      badge.setAttribute('aria-label', `${c.unread} unread`)
      button.append(' ', badge)
    }
    button.addEventListener('click', () => this.select(c.key))
    item.append(button)
    return item
  }
}

function lineElement(line: Line): HTMLElement {
  const row = document.createElement('p')
  row.className = line.kind
  if (line.kind === 'system') {
    row.append(el('span', line.text))
    return row
  }
  if (line.ts != null) {
    row.append(el('time', clock(line.ts)), ' ')
  }
  row.append(el('b', line.from ?? ''), ': ', el('span', line.text))
  if (line.delivered === true) {
    row.append(' ', el('small', 'delivered', 'delivered'))
  }
  return row
}

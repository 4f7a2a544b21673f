import type { OutputEvent } from '../cli/output.ts'
import { stripControls } from '../cli/output.ts'
import { formatBytes } from '../cli/transfer-format.ts'
import type { Conversation, Conversations, Line, TransferLine } from './conversations.ts'

/** Transfers whose lines are kept for updates: past this, the oldest stop following their progress. */
export const MAX_TRACKED_TRANSFERS = 200

/** Accept or decline an offer, from the buttons of its line. */
export type TransferAction = (action: 'accept' | 'decline', id: string) => void

type TransferEvent = Extract<OutputEvent, { type: 'offer' | 'transfer' | 'progress' | 'done' }>

/** Folds the transfer events of the controller into one line per transfer, in the DM conversation with the peer. */
export class TransferLines {
  private readonly lines = new Map<string, Line & { transfer: TransferLine }>()

  constructor(
    private readonly conversations: Conversations,
    private readonly names: (peerId: string, fallback: string) => string
  ) {}

  /** Applies a transfer event (or a transfer's error); false when `event` is not about a transfer. */
  handle(event: OutputEvent): boolean {
    if (event.type === 'error' && event.transfer != null) {
      const line = this.lines.get(event.transfer)
      if (line != null) {
        line.transfer.state = 'failed'
        line.transfer.error = event.message
        return true
      }
      return false
    }
    if (!isTransferEvent(event)) {
      return false
    }
    const line = this.lines.get(event.id) ?? this.open(event)
    if (line == null) {
      return true
    }
    const t = line.transfer
    if (event.type === 'progress') {
      t.bytes = event.bytes
      t.state = event.phase === 'hashing' ? 'hashing' : 'transferring'
    } else if (event.type === 'transfer') {
      t.state = event.state
      t.bytes = event.bytes
      t.error = event.reason
    } else if (event.type === 'done') {
      t.state = 'done'
      t.bytes = t.size
    }
    return true
  }

  /** A received file can be saved now. */
  saved(id: string, url: string): void {
    const line = this.lines.get(id)
    if (line != null) {
      line.transfer.url = url
    }
  }

  private open(event: TransferEvent): (Line & { transfer: TransferLine }) | undefined {
    const peer = event.type === 'offer' ? event.from : 'peer' in event ? event.peer : undefined
    if (peer == null) {
      return undefined
    }
    const c: Conversation = this.conversations.open({
      key: `dm:${peer.peerId}`,
      kind: 'dm',
      target: peer.peerId,
      title: peer.name
    })
    const transfer: TransferLine = {
      id: event.id,
      shortId: event.shortId,
      direction: event.type === 'offer' ? 'in' : event.direction,
      peer: this.names(peer.peerId, peer.name),
      name: event.name,
      size: event.size,
      bytes: 0,
      state: event.type === 'offer' ? 'offered' : 'preparing'
    }
    const line = { kind: 'transfer' as const, text: event.name, transfer }
    this.conversations.add(c, line)
    this.lines.set(event.id, line)
    for (const old of this.lines.keys()) {
      if (this.lines.size <= MAX_TRACKED_TRANSFERS) {
        break
      }
      this.lines.delete(old)
    }
    return line
  }
}

function isTransferEvent(event: OutputEvent): event is TransferEvent {
  return event.type === 'offer' || event.type === 'transfer' || event.type === 'progress' || event.type === 'done'
}

function text(tag: string, value: string): HTMLElement {
  const node = document.createElement(tag)
  node.textContent = stripControls(value)
  return node
}

/** A transfer's line: what and with whom, a progress bar, Accept/Decline for an offer, Save once received. */
export function transferElement(t: TransferLine, act: TransferAction): HTMLElement {
  const row = document.createElement('div')
  row.className = 'transfer'
  row.dataset.transferId = t.id
  row.dataset.state = t.state
  const arrow = t.direction === 'in' ? `${t.peer} offers` : `to ${t.peer}:`
  row.append(text('span', `${arrow} ${t.name} (${formatBytes(t.size)}) `), text('small', stateText(t)))
  const bar = document.createElement('progress')
  bar.max = Math.max(t.size, 1)
  bar.value = t.size === 0 && t.state === 'done' ? 1 : t.bytes
  bar.setAttribute('aria-label', `${t.name}: ${Math.floor((100 * t.bytes) / Math.max(t.size, 1))}%`)
  row.append(' ', bar)
  if (t.direction === 'in' && t.state === 'offered') {
    for (const action of ['accept', 'decline'] as const) {
      const button = text('button', action === 'accept' ? 'Accept' : 'Decline')
      button.setAttribute('aria-label', `${action === 'accept' ? 'Accept' : 'Decline'} ${stripControls(t.name)}`)
      button.addEventListener('click', () => act(action, t.id))
      row.append(' ', button)
    }
  }
  if (t.url != null) {
    const link = text('a', `Save ${t.name}`)
    link.setAttribute('href', t.url)
    link.setAttribute('download', stripControls(t.name))
    row.append(' ', link)
  }
  return row
}

function stateText(t: TransferLine): string {
  if (t.error != null && (t.state === 'failed' || t.state === 'declined' || t.state === 'cancelled')) {
    return `${t.state}: ${t.error}`
  }
  if (t.state === 'done') {
    return t.direction === 'in' ? 'received, SHA-256 verified' : 'delivered, SHA-256 verified by them'
  }
  return t.state
}

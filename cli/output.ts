import type { GroupRef } from '../node/groups/events.ts'
import type { User } from '../node/users.ts'
import { type AccountOutputEvent, accountTextLine } from './account-output.ts'
import {
  type AdminOutput,
  adminText,
  type NoticeOutput,
  noticeText,
  type RelayOutput,
  relayText
} from './admin-command.ts'
import { type GroupOutputEvent, groupTextLine } from './group-output.ts'
import { jsonLine } from './json-line.ts'
import { type DisplayNames, sanitize } from './sanitize.ts'
import { type TransferOutputEvent, transferTextLine } from './transfer-output.ts'

interface PeerRef {
  peerId: string
  name: string
}

/** Everything the client shows, one variant per JSON event `type`. This is the stable contract in the README. */
export type OutputEvent =
  | { type: 'ready'; peerId: string; name: string; addrs: string[]; ephemeral?: true }
  | {
      type: 'message'
      id: string
      scope: 'lobby' | 'dm' | 'group'
      from: PeerRef
      to?: PeerRef
      group?: GroupRef
      text: string
      ts: number
      /** sent while we were away or cut off, caught up now */
      catchUp?: true
    }
  | {
      type: 'sent'
      id: string
      scope: 'lobby' | 'dm' | 'group'
      to?: PeerRef
      group?: GroupRef
      text: string
      ts: number
      recipients?: number
    }
  | { type: 'delivered'; id: string; to: PeerRef }
  | { type: 'queued'; id: string; to: PeerRef; via: string[] }
  | { type: 'outbox'; dms: Array<{ id: string; to: PeerRef; via: string[]; ts: number; expiresAt: number }> }
  | { type: 'users'; users: Array<PeerRef & { displayName: string; self: boolean; via?: 'direct' | 'relay' }> }
  /** how a connected peer is reached changed: `direct` (our own connection) or `relay` (only through a relay) */
  | { type: 'route'; peerId: string; name: string; via: 'direct' | 'relay' }
  | { type: 'join'; peerId: string; name: string }
  /** `displayName`: how the peer was shown, since it is no longer online to look up */
  | { type: 'leave'; peerId: string; name: string; displayName?: string; reason: string }
  | { type: 'help'; commands: Array<{ usage: string; description: string }> }
  | { type: 'error'; code: string; message: string; transfer?: string; id?: string }
  | TransferOutputEvent
  | AdminOutput
  | RelayOutput
  | NoticeOutput
  | AccountOutputEvent
  | GroupOutputEvent

export { type DisplayNames, sanitize, stripControls } from './sanitize.ts'

export function ref(user: User): PeerRef {
  return { peerId: user.peerId, name: user.name }
}

/** One JSON object per line, whatever the text in it (see jsonLine). */
export function toJsonLine(event: OutputEvent): string {
  return jsonLine(event)
}

/** How a `leave` reason reads after "left"; plain `left` adds nothing. */
export const LEAVE_REASONS: Record<string, string> = {
  timeout: ' (timed out)',
  unreachable: ' (unreachable)',
  blocked: ' (you blocked them)',
  deleted: ' (deleted their account)'
}

/** How /users marks a peer's route in line mode; no mark when no connection to it is open. */
export const ROUTE_MARKS: Record<'direct' | 'relay' | 'none', string> = {
  direct: ' (direct)',
  relay: ' (via relay)',
  none: ''
}

function clock(ts: number): string {
  const d = new Date(ts)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

function outboxText(dms: Extract<OutputEvent, { type: 'outbox' }>['dms'], names: DisplayNames): string {
  if (dms.length === 0) {
    return '* the outbox is empty: every DM was delivered'
  }
  const rows = dms.map(
    (d) =>
      `  ${d.id.slice(0, 8)} [${clock(d.ts)}] to ${names(d.to.peerId, d.to.name)} via ${d.via.join(', ')}, expires ${new Date(d.expiresAt).toISOString()}`
  )
  return [`* outbox (${dms.length}):`, ...rows].join('\n')
}

/** A human-readable line (possibly several) for line mode. */
export function toTextLine(event: OutputEvent, names: DisplayNames): string {
  switch (event.type) {
    case 'ready':
      return `* you are ${event.name} (${event.peerId})\n* listening on ${event.addrs.join(' ') || '(no addresses)'}${event.ephemeral ? '\n* ephemeral: nothing of this session is written to disk' : ''}\n* type /help for commands`
    case 'message': {
      const who = names(event.from.peerId, event.from.name)
      if (event.group != null) {
        return `[${clock(event.ts)}] [${event.group.name}] ${who}: ${sanitize(event.text)}`
      }
      return event.scope === 'dm'
        ? `[${clock(event.ts)}] [dm] ${who}: ${sanitize(event.text)}`
        : `[${clock(event.ts)}] ${who}: ${sanitize(event.text)}`
    }
    case 'sent':
      if (event.group != null) {
        return `[${clock(event.ts)}] [${event.group.name}] (you): ${sanitize(event.text)}`
      }
      return event.scope === 'dm' && event.to != null
        ? `[${clock(event.ts)}] [dm -> ${names(event.to.peerId, event.to.name)}] ${sanitize(event.text)}`
        : `[${clock(event.ts)}] (you): ${sanitize(event.text)}${event.recipients === 0 ? '\n* nobody else is online yet' : ''}`
    case 'delivered':
      return `  delivered to ${names(event.to.peerId, event.to.name)}`
    case 'queued':
      return `  queued for ${names(event.to.peerId, event.to.name)} (${event.via.join(', ')}): delivered when they are back`
    case 'outbox':
      return outboxText(event.dms, names)
    case 'users':
      return `* online (${event.users.length}): ${event.users.map((u) => (u.self ? `${u.displayName} (you)` : `${u.displayName}${ROUTE_MARKS[u.via ?? 'none']}`)).join(', ')}`
    case 'route':
      return `* ${names(event.peerId, event.name)} ${event.via === 'direct' ? 'is reached directly' : 'is reached through the relay'}`
    case 'join':
      return `* ${names(event.peerId, event.name)} joined`
    case 'leave':
      return `* ${names(event.peerId, event.displayName ?? (event.name || event.peerId))} left${LEAVE_REASONS[event.reason] ?? ''}`
    case 'help':
      return event.commands.map((c) => `  ${c.usage.padEnd(28)} ${c.description}`).join('\n')
    case 'error':
      // error messages can quote a peer (a DM refusal carries its reason), so they are remote text too
      return `! ${sanitize(event.message)}`
    case 'offer':
    case 'transfer':
    case 'progress':
    case 'done':
    case 'transfers':
      return transferTextLine(event, names, sanitize)
    case 'admin':
      return adminText(event)
    case 'relay':
      return relayText(event)
    case 'notice':
      return noticeText(event, (peerId) => names(peerId, peerId))
    case 'history':
    case 'retention':
    case 'block':
    case 'blocked':
    case 'purged':
    case 'destroyed':
    case 'account':
    case 'exported':
      return accountTextLine(event, names, sanitize)
    default:
      return groupTextLine(event, names)
  }
}

import type { AccountInfo } from '../node/account/account.ts'
import type { PurgeCounts } from '../node/events.ts'
import { formatSettings, RETENTION_SCOPES, type RetentionSettings } from '../node/retention.ts'

interface PeerRef {
  peerId: string
  name: string
}

type Policies = { lobby: string; dm: string; groups: string }

/** The account events of the JSON contract (docs/accounts.md); output.ts includes them in OutputEvent. */
export type AccountOutputEvent =
  | {
      type: 'history'
      /** 'lobby', or the PeerId of the other side of a DM conversation */
      conversation: string
      with?: PeerRef
      retention: string
      messages: Array<{ id: string; scope: 'lobby' | 'dm' | 'group'; from: PeerRef; text: string; ts: number }>
    }
  | ({ type: 'retention'; deleted?: PurgeCounts } & Policies)
  | ({ type: 'block'; action: 'block' | 'unblock' } & PeerRef)
  | { type: 'blocked'; peers: Array<PeerRef & { since: number; refused: number }> }
  | ({ type: 'purged' } & PurgeCounts)
  | { type: 'destroyed'; peerId: string; notified: number; removedDir: boolean; kept: string[]; dataDir?: string }
  | {
      type: 'account'
      peerId: string
      name?: string
      encrypted: boolean
      dataDir: string
      retention: Policies
      blocked: number
      createdAt?: number
    }
  | { type: 'exported'; peerId: string; file: string }

export function retentionEvent(settings: RetentionSettings, deleted?: PurgeCounts): AccountOutputEvent {
  return { type: 'retention', ...formatSettings(settings), ...(deleted == null ? {} : { deleted }) }
}

export function accountEvent(info: AccountInfo): AccountOutputEvent {
  return {
    type: 'account',
    peerId: info.peerId,
    ...(info.name == null ? {} : { name: info.name }),
    encrypted: info.encrypted,
    dataDir: info.dataDir,
    retention: formatSettings(info.retention),
    blocked: info.blocked,
    ...(info.createdAt == null ? {} : { createdAt: info.createdAt })
  }
}

function total(counts: PurgeCounts): number {
  return RETENTION_SCOPES.reduce((sum, s) => sum + counts[s], 0)
}

function perScope(counts: PurgeCounts): string {
  return RETENTION_SCOPES.filter((s) => counts[s] > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(', ')
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function clock(ts: number): string {
  const d = new Date(ts)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

function day(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10)
}

/** Human-readable lines for line mode. `show` renders a name; `safe` neutralises remote text. */
export function accountTextLine(
  event: AccountOutputEvent,
  show: (peerId: string, name: string) => string,
  safe: (text: string) => string
): string {
  switch (event.type) {
    case 'history': {
      const what = event.with == null ? 'the lobby' : `your DMs with ${show(event.with.peerId, event.with.name)}`
      if (event.messages.length === 0) {
        return `* nothing kept of ${what} (retention: ${event.retention})`
      }
      const lines = event.messages.map(
        (m) => `  [${day(m.ts)} ${clock(m.ts)}] ${show(m.from.peerId, m.from.name)}: ${safe(m.text)}`
      )
      return [
        `* ${what}, last ${plural(event.messages.length, 'message')} (retention: ${event.retention}):`,
        ...lines
      ].join('\n')
    }
    case 'retention': {
      const line = `* retention: lobby ${event.lobby}, dm ${event.dm}, groups ${event.groups}`
      if (event.deleted == null) {
        return line
      }
      const n = total(event.deleted)
      return `${line}\n* ${n === 0 ? 'no stored message had to go' : `deleted ${plural(n, 'stored message')} (${perScope(event.deleted)})`}`
    }
    case 'block':
      return event.action === 'block'
        ? `* blocked ${event.name || event.peerId} (${event.peerId}): you will not see them, and they cannot reach you`
        : `* unblocked ${event.name || event.peerId}`
    case 'blocked':
      return event.peers.length === 0
        ? '* nobody is blocked'
        : [
            `* blocked (${event.peers.length}):`,
            ...event.peers.map(
              (p) =>
                `  ${p.name || '(no name)'} ${p.peerId} since ${day(p.since)}${p.refused > 0 ? `, ${plural(p.refused, 'connection')} refused` : ''}`
            )
          ].join('\n')
    case 'purged':
      return `* retention: deleted ${plural(total(event), 'expired message')} (${perScope(event)})`
    case 'destroyed': {
      const told = event.notified === 0 ? 'no peer was online to be told' : `told ${plural(event.notified, 'peer')}`
      const files = event.removedDir
        ? 'every file of it is gone'
        : `its files are gone; ${event.dataDir ?? 'the data directory'} keeps only what was not the account's: ${event.kept.join(', ')}`
      return `* account ${event.peerId} destroyed: ${told}, ${files}`
    }
    case 'account':
      return [
        `account ${event.peerId}`,
        `  name       ${event.name ?? '(none: start asks, or give --name)'}`,
        `  key        ${event.encrypted ? 'encrypted with a passphrase' : 'not encrypted (p2pchat account set passphrase)'}`,
        `  retention  lobby ${event.retention.lobby}, dm ${event.retention.dm}, groups ${event.retention.groups}`,
        `  blocked    ${plural(event.blocked, 'user')}`,
        `  data       ${event.dataDir}`
      ].join('\n')
    case 'exported':
      return `* encrypted backup of ${event.peerId} written to ${event.file}`
  }
}

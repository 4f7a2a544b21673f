import type { RelayNoticeEvent, RelayStatus } from '../node/events.ts'
import { ADMIN_COMMANDS, type AdminCommandSpec, type AdminReply, isAdminCommandName } from '../protocols/admin/index.ts'
import { sanitize } from './sanitize.ts'

/** An admin command typed by a user, split into the relay's arguments. */
export type AdminInput = { ok: true; command: string; args: string[]; relay?: string } | { ok: false; message: string }

/** Help lines for `/admin ...`. */
export const ADMIN_HELP: ReadonlyArray<[string, string]> = Object.values(ADMIN_COMMANDS).map((spec) => [
  `/admin ${spec.usage}`,
  spec.description
])

/**
 * Splits words into a command and its arguments: the last argument takes the rest of the words, so texts and reasons
 * need no quotes (`/admin ban bob flooding the lobby`).
 */
export function splitAdminWords(words: string[]): AdminInput {
  const [name = '', ...rest] = words
  const command = name.toLowerCase()
  if (command === '' || command === 'help') {
    return { ok: false, message: `admin commands: ${Object.keys(ADMIN_COMMANDS).join(', ')}` }
  }
  if (!isAdminCommandName(command)) {
    return { ok: false, message: `unknown admin command '${name}' (try /admin help)` }
  }
  const spec: AdminCommandSpec = ADMIN_COMMANDS[command]
  const args =
    rest.length > spec.maxArgs && spec.maxArgs > 0
      ? [...rest.slice(0, spec.maxArgs - 1), rest.slice(spec.maxArgs - 1).join(' ')]
      : rest
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    return { ok: false, message: `usage: /admin ${spec.usage}` }
  }
  return { ok: true, command, args }
}

/**
 * Parses what follows `/admin` on an input line: `[@<relay>] <command> [args]`, where `@<relay>` picks one of our
 * relays by PeerId (or its start or end) or by name; without it the command goes to the first relay.
 */
export function parseAdminLine(rest: string): AdminInput {
  const words = rest
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
  if (!words[0]?.startsWith('@')) {
    return splitAdminWords(words)
  }
  const relay = words[0].slice(1)
  if (relay.length === 0) {
    return { ok: false, message: 'usage: /admin [@<relay PeerId or name>] <command> [args]' }
  }
  const input = splitAdminWords(words.slice(1))
  return input.ok ? { ...input, relay } : input
}

/** The JSON form of an admin answer. */
export interface AdminOutput {
  type: 'admin'
  command: string
  /** the relay that answered (its PeerId) */
  relay?: string
  message: string
  users?: Array<{ peerId: string; name: string; lastSeen: number }>
  bans?: Array<{ peerId: string; name: string; reason: string; by: string; at: number }>
  settings?: Array<{ key: string; value: unknown; mutable: boolean }>
  admins?: Array<{ peerId: string; addedBy: string; addedAt: number }>
}

/** The JSON form of an admin answer; `relay` says which relay answered, when the user picked one. */
export function adminOutput(command: string, reply: AdminReply, relay?: string): AdminOutput {
  const out: AdminOutput = { type: 'admin', command, message: reply.message }
  if (relay != null) {
    out.relay = relay
  }
  if (command === 'users') {
    out.users = reply.users.map((u) => ({ peerId: u.peerId, name: u.name, lastSeen: Number(u.lastSeen) }))
  }
  if (command === 'bans') {
    out.bans = reply.bans.map((b) => ({ ...b, at: Number(b.at) }))
  }
  if (command === 'get') {
    out.settings = reply.settings.map((s) => ({ key: s.key, value: parseJson(s.value), mutable: s.mutable }))
  }
  if (command === 'admins') {
    out.admins = reply.admins.map((a) => ({ ...a, addedAt: Number(a.addedAt) }))
  }
  return out
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Human lines for an admin answer. */
export function adminText(event: AdminOutput): string {
  const lines = [`* ${sanitize(event.message)}`]
  for (const u of event.users ?? []) {
    lines.push(`  ${sanitize(u.name).padEnd(20)} ${u.peerId}`)
  }
  for (const b of event.bans ?? []) {
    lines.push(`  ${sanitize(b.name || '?').padEnd(20)} ${b.peerId}${b.reason ? `  (${sanitize(b.reason)})` : ''}`)
  }
  for (const s of event.settings ?? []) {
    lines.push(`  ${s.key.padEnd(32)} ${sanitize(JSON.stringify(s.value))}${s.mutable ? '' : '  (fixed)'}`)
  }
  for (const a of event.admins ?? []) {
    lines.push(`  ${a.peerId}`)
  }
  return lines.join('\n')
}

/** The JSON form of a relay's status change. */
export interface RelayOutput {
  type: 'relay'
  relay: string
  state: RelayStatus['state']
  addrs: string[]
  message?: string
}

export function relayOutput(status: RelayStatus): RelayOutput {
  return { type: 'relay', ...status }
}

export function relayText(event: RelayOutput): string {
  switch (event.state) {
    case 'reserved':
      return `* reachable through relay ${event.relay}`
    case 'lost':
      return `* lost the relay ${event.relay}${event.message ? ` (${event.message})` : ''}; reconnecting`
    case 'unreachable':
      return `! ${event.message ?? `cannot reach relay ${event.relay}`}`
  }
}

/** The JSON form of a relay notice. */
export interface NoticeOutput {
  type: 'notice'
  relay: string
  kind: string
  text: string
  /** the user concerned (kick, ban) */
  peerId?: string
  /** shutdown delay */
  seconds?: number
  /** true when the notice is about us */
  self?: boolean
}

export function noticeOutput(event: RelayNoticeEvent, self: string): NoticeOutput | undefined {
  const { relay, notice } = event
  switch (notice.kind) {
    case 'announcement':
    case 'message':
    case 'motd':
      return { type: 'notice', relay, kind: notice.kind, text: notice.text }
    case 'kicked':
    case 'banned':
      return {
        type: 'notice',
        relay,
        kind: notice.kind,
        text: notice.text,
        peerId: notice.peer,
        self: notice.peer === self
      }
    case 'shutdown':
      return { type: 'notice', relay, kind: notice.kind, text: notice.text, seconds: notice.seconds }
    default:
      return undefined
  }
}

export function noticeText(event: NoticeOutput, name: (peerId: string) => string): string {
  const text = sanitize(event.text)
  switch (event.kind) {
    case 'announcement':
      return `*** [relay announcement] ${text}`
    case 'message':
      return `*** [relay admins to you] ${text}`
    case 'motd':
      return `*** [message of the day] ${text}`
    case 'kicked':
      return event.self
        ? '! you were disconnected by the relay admins'
        : `* ${name(event.peerId ?? '')} was disconnected by the relay admins`
    case 'banned':
      return event.self
        ? `! you were banned from the relay${text ? `: ${text}` : ''}`
        : `* ${name(event.peerId ?? '')} was banned from the relay${text ? `: ${text}` : ''}`
    case 'shutdown':
      return `*** [relay] ${text}`
    default:
      return `*** [relay] ${text}`
  }
}

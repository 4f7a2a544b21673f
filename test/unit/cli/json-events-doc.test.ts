import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { OutputEvent } from '../../../cli/output.ts'
import type { ChatEvents } from '../../../node/events.ts'

type Type = OutputEvent['type']
type KeysOf<T> = T extends unknown ? keyof T : never
type FieldsOf<T extends Type> = Exclude<KeysOf<Extract<OutputEvent, { type: T }>>, 'type'>
type DetailOf<K extends keyof ChatEvents> = ChatEvents[K] extends CustomEvent<infer D> ? D : never

/**
 * Every JSON event type the CLI prints, with every field. Typed from OutputEvent, so the compiler rejects a type or a
 * field left out and one that does not exist: a new event cannot be added without it being checked below.
 */
const EVENT_FIELDS: { [T in Type]: Record<FieldsOf<T>, true> } = {
  ready: { peerId: true, name: true, addrs: true, ephemeral: true },
  message: { id: true, scope: true, from: true, to: true, group: true, text: true, ts: true, catchUp: true },
  sent: { id: true, scope: true, to: true, group: true, text: true, ts: true, recipients: true },
  delivered: { id: true, to: true },
  queued: { id: true, to: true, via: true },
  outbox: { dms: true },
  users: { users: true },
  join: { peerId: true, name: true },
  route: { peerId: true, name: true, via: true },
  leave: { peerId: true, name: true, displayName: true, reason: true },
  help: { commands: true },
  error: { code: true, message: true, transfer: true, id: true },
  offer: {
    id: true,
    shortId: true,
    from: true,
    known: true,
    name: true,
    offeredName: true,
    size: true,
    sha256: true,
    expiresAt: true
  },
  transfer: {
    id: true,
    shortId: true,
    direction: true,
    peer: true,
    name: true,
    size: true,
    state: true,
    bytes: true,
    code: true,
    reason: true
  },
  progress: {
    id: true,
    shortId: true,
    direction: true,
    phase: true,
    name: true,
    bytes: true,
    size: true,
    rate: true,
    etaSeconds: true
  },
  done: { id: true, shortId: true, direction: true, peer: true, name: true, size: true, sha256: true, path: true },
  transfers: { transfers: true },
  admin: { command: true, relay: true, message: true, users: true, bans: true, settings: true, admins: true },
  relay: { relay: true, state: true, addrs: true, message: true },
  notice: { relay: true, kind: true, text: true, peerId: true, seconds: true, self: true },
  history: { conversation: true, with: true, retention: true, messages: true },
  retention: { deleted: true, lobby: true, dm: true, groups: true },
  block: { action: true, peerId: true, name: true },
  blocked: { peers: true },
  purged: { lobby: true, dm: true, groups: true },
  destroyed: { peerId: true, notified: true, removedDir: true, kept: true, dataDir: true },
  account: {
    peerId: true,
    name: true,
    encrypted: true,
    dataDir: true,
    retention: true,
    blocked: true,
    createdAt: true
  },
  exported: { peerId: true, file: true },
  groups: { groups: true },
  'group-joined': { group: true, private: true, role: true, by: true },
  'group-left': { group: true, reason: true, by: true },
  'member-added': { group: true, member: true, by: true },
  'member-invited': { group: true, member: true, by: true },
  'member-removed': { group: true, member: true, reason: true, by: true },
  'member-role': { group: true, member: true, role: true, by: true },
  'group-updated': { group: true, description: true, by: true },
  'group-rekeyed': { group: true, epoch: true, by: true },
  invite: { id: true, group: true, from: true, ts: true },
  members: { group: true, members: true, epoch: true, keyId: true },
  invites: { invites: true },
  'invite-sent': { group: true, to: true, delivered: true },
  'invite-declined': { id: true, group: true, notified: true },
  room: { room: true }
}

/**
 * Each event of the node, and the JSON type the CLI prints for it (null: not printed, with the reason). The
 * compiler rejects a node event left out, so a new one is either printed, and then checked, or said not to be.
 */
const NODE_TO_JSON: Record<keyof ChatEvents, Type | null> = {
  message: 'message',
  sent: 'sent',
  join: 'join',
  leave: 'leave',
  route: 'route',
  delivered: 'delivered',
  queued: 'queued',
  error: 'error',
  transfer: 'transfer',
  'transfer-progress': 'progress',
  relay: 'relay',
  notice: 'notice',
  purged: 'purged',
  'group-joined': 'group-joined',
  'group-left': 'group-left',
  'member-added': 'member-added',
  'member-invited': 'member-invited',
  'member-removed': 'member-removed',
  'member-role': 'member-role',
  'group-updated': 'group-updated',
  'group-rekeyed': 'group-rekeyed',
  invite: 'invite'
}

/** Checks at compile time that `values` lists every member of the union `U`, and nothing else. */
function every<U extends string>() {
  return <const A extends readonly U[]>(values: A & ([Exclude<U, A[number]>] extends [never] ? unknown : never)) =>
    values
}

/** Fields whose values are a closed set: each value must be documented with its event. */
const VALUES: Array<[Type, string, readonly string[]]> = [
  ['message', 'scope', every<DetailOf<'message'>['scope']>()(['lobby', 'dm', 'group'])],
  ['leave', 'reason', every<DetailOf<'leave'>['reason']>()(['left', 'timeout', 'unreachable', 'blocked', 'deleted'])],
  ['relay', 'state', every<DetailOf<'relay'>['state']>()(['reserved', 'lost', 'unreachable'])],
  ['route', 'via', every<DetailOf<'route'>['via']>()(['direct', 'relay'])],
  ['group-left', 'reason', every<DetailOf<'group-left'>['reason']>()(['left', 'removed'])],
  ['member-removed', 'reason', every<DetailOf<'member-removed'>['reason']>()(['removed', 'left', 'uninvited'])],
  [
    'progress',
    'phase',
    every<Extract<OutputEvent, { type: 'progress' }>['phase']>()(['hashing', 'sending', 'receiving'])
  ]
]

/** One place an event is documented: its type and the text of its code spans that list the fields. */
interface DocEntry {
  type: string
  fields: string
}

const codeSpans = (text: string): string => [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]).join(' ')

/**
 * The event entries of markdown: table rows whose first cell names a type in backticks (fields: the second cell),
 * and prose of the form `type` (fields...) as the docs use for command answers.
 */
function docEntries(markdown: string): DocEntry[] {
  const entries: DocEntry[] = []
  for (const line of markdown.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim())
    if (line.startsWith('|') && cells.length > 3) {
      for (const m of cells[1].matchAll(/`([a-z-]+)`/g)) {
        entries.push({ type: m[1], fields: codeSpans(cells[2]) })
      }
    }
  }
  for (const m of markdown.matchAll(/`([a-z-]+)` \(/g)) {
    let depth = 1
    let end = m.index + m[0].length
    while (end < markdown.length && depth > 0) {
      depth += markdown[end] === '(' ? 1 : markdown[end] === ')' ? -1 : 0
      end++
    }
    entries.push({ type: m[1], fields: codeSpans(markdown.slice(m.index + m[0].length, end - 1)) })
  }
  return entries
}

const mentions = (text: string, word: string): boolean => new RegExp(`(^|[^\\w-])${word}([^\\w-]|$)`).test(text)

/** What the docs miss: each entry names an event type, a field or a value that no documented entry has. */
function undocumented(markdown: string): string[] {
  const entries = docEntries(markdown)
  const fieldsOf = (type: string): string =>
    entries
      .filter((e) => e.type === type)
      .map((e) => e.fields)
      .join(' ')
  const missing: string[] = []
  for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
    if (!entries.some((e) => e.type === type)) {
      missing.push(type)
      continue
    }
    missing.push(
      ...Object.keys(fields)
        .filter((f) => !mentions(fieldsOf(type), f))
        .map((f) => `${type}.${f}`)
    )
  }
  for (const [type, field, values] of VALUES) {
    missing.push(...values.filter((v) => !mentions(fieldsOf(type), v)).map((v) => `${type}.${field}=${v}`))
  }
  return missing
}

const ROOT = new URL('../../../', import.meta.url)

/** The relay server's own events (`relay start --json`) are another stream, with types of the same names. */
const withoutRelayServerEvents = (markdown: string): string =>
  markdown.replace(/^#+ [^\n]*relay start --json[^\n]*\n[\s\S]*?(?=^#)/m, '')

/** README.md and docs/*.md, where the client's events are documented. */
const docs = (): string =>
  [
    readFileSync(new URL('README.md', ROOT), 'utf8'),
    ...readdirSync(new URL('docs/', ROOT))
      .filter((name) => name.endsWith('.md'))
      .map((name) => withoutRelayServerEvents(readFileSync(new URL(`docs/${name}`, ROOT), 'utf8')))
  ].join('\n')

describe('the JSON event tables', () => {
  it('document every event type, field and closed value the CLI can print', () => {
    expect(undocumented(docs())).toEqual([])
  })

  it('map every node event to a printed type', () => {
    const printed = new Set(Object.keys(EVENT_FIELDS))
    for (const type of Object.values(NODE_TO_JSON)) {
      expect(type == null || printed.has(type)).toBe(true)
    }
  })

  it('notice a removed row, a removed field and a removed value', () => {
    const text = docs()
    const readyRow = text.split('\n').find((line) => line.startsWith('| `ready` |'))
    expect(readyRow).toBeDefined()
    expect(undocumented(text.replace(`${readyRow}\n`, ''))).toContain('ready')
    expect(undocumented(text.replace('ephemeral?: true', ''))).toContain('ready.ephemeral')
    expect(undocumented(text.replace('|"deleted"', ''))).toContain('leave.reason=deleted')
  })
})

import { InvalidRetentionError } from './account/errors.ts'
import { type LobbyQuota, overQuota } from './lobby-quota.ts'

/** The kinds of conversation a policy applies to, each with its own policy. */
export const RETENTION_SCOPES = ['lobby', 'dm', 'groups'] as const

export type RetentionScope = (typeof RETENTION_SCOPES)[number]

/**
 * How long messages of one scope are kept: `none` never stores them, `session` keeps them in memory until the
 * peer stops, a duration keeps them on disk for that long after they were sent, `forever` keeps them on disk.
 */
export type RetentionPolicy =
  | { kind: 'none' }
  | { kind: 'session' }
  | { kind: 'forever' }
  | { kind: 'duration'; ms: number; text: string }

export type RetentionSettings = Record<RetentionScope, RetentionPolicy>

/** Where a message lives. */
export type Placement = 'disk' | 'memory'

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

/** Longest duration we accept: ten years. Beyond that `forever` says what is meant, and timers stay exact. */
export const MAX_RETENTION_MS = 3650 * UNIT_MS.d

/** Longest policy string worth parsing; real ones are a few characters. */
const MAX_POLICY_LENGTH = 32

export const DEFAULT_RETENTION: RetentionSettings = {
  lobby: { kind: 'forever' },
  dm: { kind: 'forever' },
  groups: { kind: 'forever' }
}

/**
 * Parses `none`, `session`, `forever` or a duration such as `30m`, `24h`, `7d`, `2w`, `1d12h`
 * (units s, m, h, d, w). Throws InvalidRetentionError with a hint for anything else.
 */
export function parseRetention(input: string): RetentionPolicy {
  const text = input.trim().toLowerCase()
  if (text === 'none' || text === 'session' || text === 'forever') {
    return { kind: text }
  }
  const hint = 'use none, session, forever or a duration like 30m, 24h, 7d'
  if (text.length === 0 || text.length > MAX_POLICY_LENGTH || !/^(\d{1,9}[smhdw])+$/.test(text)) {
    throw new InvalidRetentionError(`'${input.slice(0, MAX_POLICY_LENGTH)}' is not a retention policy: ${hint}`)
  }
  let ms = 0
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    ms += Number(amount) * UNIT_MS[unit]
  }
  if (ms === 0) {
    throw new InvalidRetentionError(`'${input}' keeps nothing: say none to keep no messages`)
  }
  if (ms > MAX_RETENTION_MS) {
    throw new InvalidRetentionError(`'${input}' is longer than ten years: say forever instead`)
  }
  return { kind: 'duration', ms, text }
}

/** The policy as the user writes it. */
export function formatRetention(policy: RetentionPolicy): string {
  return policy.kind === 'duration' ? policy.text : policy.kind
}

/** All scopes as strings, e.g. for the JSON `retention` event and the account file. */
export function formatSettings(settings: RetentionSettings): Record<RetentionScope, string> {
  return {
    lobby: formatRetention(settings.lobby),
    dm: formatRetention(settings.dm),
    groups: formatRetention(settings.groups)
  }
}

/** True for `lobby`, `dm` and `groups` (also `group` and `dms`, which people type too). */
export function parseScope(input: string): RetentionScope | undefined {
  const text = input.trim().toLowerCase()
  const aliases: Record<string, RetentionScope> = {
    lobby: 'lobby',
    dm: 'dm',
    dms: 'dm',
    groups: 'groups',
    group: 'groups'
  }
  return aliases[text]
}

/**
 * Parses what `--retention` and `account set retention` take: one policy for every scope (`7d`), or
 * comma-separated `scope=policy` pairs (`lobby=24h,dm=forever`). Returns only the scopes it names.
 */
export function parseRetentionSpec(input: string): Partial<RetentionSettings> {
  const parts = input
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
  if (parts.length === 0) {
    throw new InvalidRetentionError('no retention policy given: use none, session, forever or a duration like 7d')
  }
  if (parts.length === 1 && !parts[0].includes('=')) {
    const policy = parseRetention(parts[0])
    return { lobby: policy, dm: policy, groups: policy }
  }
  const out: Partial<RetentionSettings> = {}
  for (const part of parts) {
    const [rawScope, rawPolicy, ...extra] = part.split('=')
    const scope = parseScope(rawScope ?? '')
    if (scope == null || rawPolicy == null || extra.length > 0) {
      throw new InvalidRetentionError(
        `'${part.slice(0, 64)}' is not scope=policy (scopes: ${RETENTION_SCOPES.join(', ')})`
      )
    }
    out[scope] = parseRetention(rawPolicy)
  }
  return out
}

/** The retention scope of a stored message's scope ('lobby', 'dm', and group messages once they exist). */
export function scopeOf(messageScope: string): RetentionScope {
  return messageScope === 'lobby' ? 'lobby' : messageScope === 'dm' ? 'dm' : 'groups'
}

/**
 * Where a new message goes under `policy`, or undefined when it must not be kept at all (no policy keeps
 * what has already expired). `persistent` is false for an ephemeral session, which never uses the disk.
 */
export function placementFor(
  policy: RetentionPolicy,
  ts: number,
  now: number,
  persistent: boolean
): Placement | undefined {
  if (policy.kind === 'none' || isExpired(policy, ts, now)) {
    return undefined
  }
  if (policy.kind === 'session' || !persistent) {
    return 'memory'
  }
  return 'disk'
}

/** True when a message sent at `ts` is past what `policy` keeps. */
export function isExpired(policy: RetentionPolicy, ts: number, now: number): boolean {
  if (policy.kind === 'none') {
    return true
  }
  return policy.kind === 'duration' && ts < now - policy.ms
}

/** What the purge needs to know of a stored message. */
export interface KeptMessage {
  key: string
  scope: string
  ts: number
  where: Placement
  /** the sender, for the lobby quota */
  from?: string
}

/** What to do so that every stored message obeys the current settings. */
export interface PurgePlan {
  /** remove from wherever it is */
  delete: KeptMessage[]
  /** on disk, but the policy is now `session`: keep it in memory for the rest of the session only */
  toMemory: KeptMessage[]
  /** in memory, but the policy now keeps it on disk */
  toDisk: KeptMessage[]
}

/**
 * Decides, without I/O, which stored messages must go or move under `settings` at `now`; with a `quota`, lobby
 * messages past it go too (lobby-quota.ts).
 */
export function planPurge(
  messages: Iterable<KeptMessage>,
  settings: RetentionSettings,
  now: number,
  persistent: boolean,
  quota?: LobbyQuota
): PurgePlan {
  const plan: PurgePlan = { delete: [], toMemory: [], toDisk: [] }
  const all = [...messages]
  const keeps = (m: KeptMessage): boolean => placementFor(settings[scopeOf(m.scope)], m.ts, now, persistent) != null
  const doomed =
    quota == null
      ? new Set<string>()
      : overQuota(
          all.flatMap((m) => (m.scope === 'lobby' && m.from != null && keeps(m) ? [{ ...m, from: m.from }] : [])),
          quota
        )
  for (const msg of all) {
    const target = doomed.has(msg.key) ? undefined : placementFor(settings[scopeOf(msg.scope)], msg.ts, now, persistent)
    if (target == null) {
      plan.delete.push(msg)
    } else if (target === 'memory' && msg.where === 'disk') {
      plan.toMemory.push(msg)
    } else if (target === 'disk' && msg.where === 'memory') {
      plan.toDisk.push(msg)
    }
  }
  return plan
}

/** When the next of `messages` expires under `settings`, or undefined when none ever does. */
export function nextExpiry(messages: Iterable<KeptMessage>, settings: RetentionSettings): number | undefined {
  let next: number | undefined
  for (const msg of messages) {
    const policy = settings[scopeOf(msg.scope)]
    if (policy.kind === 'duration') {
      const due = msg.ts + policy.ms
      next = next == null ? due : Math.min(next, due)
    }
  }
  return next
}

import { peerIdFromString } from '@libp2p/peer-id'
import type { AdminRow, BanRow, SettingRow } from '../protocols/admin/index.ts'
import { AdminRefusedError } from '../protocols/admin/index.ts'
import { utf8Length } from '../protocols/common/index.ts'
import { MAX_BANS, nextBanListVersion } from '../protocols/notice/index.ts'
import { CONFIG_KEYS, isConfigKey, LIVE_SETTINGS, parseSetting, type RelayConfig } from './config.ts'
import { ConfigError } from './errors.ts'
import type { KnownUser } from './known-users.ts'

/** What a relay is: fixed at init, except name and description. */
export interface RelayMetadata {
  /** the relay's PeerId; immutable */
  peerId: string
  name: string
  description: string
  /** ms since the epoch; immutable */
  createdAt: number
}

export interface AdminEntry {
  peerId: string
  /** PeerId of the admin who added this one; empty for the admins given at init */
  addedBy: string
  addedAt: number
}

export interface BanEntry {
  peerId: string
  /** the name they were known by when banned, if any */
  name: string
  reason: string
  by: string
  at: number
}

/** Everything a snapshot holds. */
export interface RelayState {
  metadata: RelayMetadata
  admins: AdminEntry[]
  bans: BanEntry[]
  /** version of the last ban list published; lists are ordered by it */
  banListVersion: number
  settings: RelayConfig
  users: KnownUser[]
}

/** Longest relay name, in characters. */
export const MAX_RELAY_NAME = 64
/** Longest description, in UTF-8 bytes. */
export const MAX_DESCRIPTION_BYTES = 1024
/** Longest ban reason, in UTF-8 bytes. */
export const MAX_REASON_BYTES = 500

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: a description may have tabs and newlines, no other controls
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f]/

/** Throws ConfigError unless `name` is a usable relay name. */
export function checkRelayName(name: string): string {
  const length = [...name].length
  if (name.trim().length === 0 || length > MAX_RELAY_NAME || CONTROL.test(name)) {
    throw new ConfigError(`relay name must be 1-${MAX_RELAY_NAME} characters with no control characters`, 'name')
  }
  return name
}

/** Throws ConfigError unless `text` is a usable description. */
export function checkDescription(text: string): string {
  if (utf8Length(text) > MAX_DESCRIPTION_BYTES || CONTROL_EXCEPT_LINES.test(text)) {
    throw new ConfigError(`description must be at most ${MAX_DESCRIPTION_BYTES} bytes of text`, 'description')
  }
  return text
}

/**
 * Throws AdminRefusedError('USAGE') unless `peerId` is a PeerId whose key can sign admin requests (Ed25519 or
 * secp256k1: the key is inside the PeerId). Returns it in canonical form.
 */
export function checkAdminPeerId(peerId: string): string {
  let parsed: ReturnType<typeof peerIdFromString>
  try {
    parsed = peerIdFromString(peerId)
  } catch {
    throw new AdminRefusedError('USAGE', `'${peerId}' is not a PeerId (p2pchat id prints yours)`)
  }
  if (parsed.publicKey == null) {
    throw new AdminRefusedError('USAGE', `'${peerId}' has no inline public key, so it cannot sign admin requests`)
  }
  return parsed.toString()
}

export function createState(init: {
  peerId: string
  name: string
  description: string
  createdAt: number
  admins: string[]
  settings: RelayConfig
}): RelayState {
  return {
    metadata: {
      peerId: init.peerId,
      name: checkRelayName(init.name),
      description: checkDescription(init.description),
      createdAt: init.createdAt
    },
    admins: [...new Set(init.admins.map(checkAdminPeerId))].map((peerId) => ({
      peerId,
      addedBy: '',
      addedAt: init.createdAt
    })),
    bans: [],
    banListVersion: 0,
    settings: init.settings,
    users: []
  }
}

export function isAdmin(state: RelayState, peerId: string): boolean {
  return state.admins.some((a) => a.peerId === peerId)
}

export function isBanned(state: RelayState, peerId: string): boolean {
  return state.bans.some((b) => b.peerId === peerId)
}

export function addAdmin(state: RelayState, peerId: string, by: string, now: number): string {
  const id = checkAdminPeerId(peerId)
  if (isAdmin(state, id)) {
    throw new AdminRefusedError('ALREADY_ADMIN', `${id} is already an admin`)
  }
  if (isBanned(state, id)) {
    throw new AdminRefusedError('PROTECTED_PEER', `${id} is banned; unban them first`)
  }
  state.admins.push({ peerId: id, addedBy: by, addedAt: now })
  return `${id} is now an admin`
}

export function removeAdmin(state: RelayState, peerId: string): string {
  const index = state.admins.findIndex((a) => a.peerId === peerId)
  if (index < 0) {
    throw new AdminRefusedError('NOT_AN_ADMIN', `${peerId} is not an admin`)
  }
  if (state.admins.length === 1) {
    throw new AdminRefusedError('LAST_ADMIN', 'that is the last admin; add another one first')
  }
  state.admins.splice(index, 1)
  return `${peerId} is no longer an admin`
}

export function addBan(state: RelayState, ban: BanEntry, now: number): string {
  if (ban.peerId === state.metadata.peerId) {
    throw new AdminRefusedError('PROTECTED_PEER', 'the relay cannot ban itself')
  }
  if (isAdmin(state, ban.peerId)) {
    throw new AdminRefusedError('PROTECTED_PEER', `${ban.peerId} is an admin; remove their admin rights first`)
  }
  if (isBanned(state, ban.peerId)) {
    throw new AdminRefusedError('ALREADY_BANNED', `${ban.name || ban.peerId} is already banned`)
  }
  if (state.bans.length >= MAX_BANS) {
    throw new AdminRefusedError('LIMIT_REACHED', `the ban list is full (${MAX_BANS}); lift old bans first`)
  }
  if (utf8Length(ban.reason) > MAX_REASON_BYTES) {
    throw new AdminRefusedError('USAGE', `the reason must be at most ${MAX_REASON_BYTES} bytes`)
  }
  state.bans.push(ban)
  state.banListVersion = nextBanListVersion(state.banListVersion, now)
  return `${ban.name || ban.peerId} is banned${ban.reason ? ` (${ban.reason})` : ''}`
}

export function removeBan(state: RelayState, peerId: string, now: number): BanEntry {
  const index = state.bans.findIndex((b) => b.peerId === peerId)
  if (index < 0) {
    throw new AdminRefusedError('NOT_BANNED', `${peerId} is not banned`)
  }
  const [ban] = state.bans.splice(index, 1)
  state.banListVersion = nextBanListVersion(state.banListVersion, now)
  return ban
}

const METADATA_KEYS = ['id', 'createdAt', 'name', 'description'] as const

/**
 * Changes a setting or the relay's name or description. The PeerId and creation time never change.
 * Returns whether a running relay applies it at once (`live`) or at its next start.
 */
export function setSetting(state: RelayState, key: string, text: string): { live: boolean; message: string } {
  if (key === 'id' || key === 'peerId' || key === 'createdAt') {
    throw new AdminRefusedError('IMMUTABLE', `'${key}' is fixed for the life of the relay`)
  }
  try {
    if (key === 'name') {
      state.metadata.name = checkRelayName(text)
      return { live: true, message: `name is now ${JSON.stringify(text)}` }
    }
    if (key === 'description') {
      state.metadata.description = checkDescription(text)
      return { live: true, message: 'description changed' }
    }
    if (!isConfigKey(key)) {
      throw new AdminRefusedError(
        'UNKNOWN_SETTING',
        `unknown setting '${key}' (settings: ${[...METADATA_KEYS.slice(2), ...CONFIG_KEYS].join(', ')})`
      )
    }
    const change = parseSetting(key, text)
    state.settings = { ...state.settings, ...change }
    const live = LIVE_SETTINGS.has(key)
    const value = JSON.stringify(state.settings[key])
    return { live, message: `${key} = ${value}${live ? '' : ' (takes effect when the relay restarts)'}` }
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new AdminRefusedError('INVALID_SETTING', err.message)
    }
    throw err
  }
}

/** Settings and metadata as rows, all of them or the one named by `key`. */
export function settingRows(state: RelayState, key?: string): SettingRow[] {
  const rows: SettingRow[] = [
    { key: 'id', value: JSON.stringify(state.metadata.peerId), mutable: false },
    { key: 'createdAt', value: JSON.stringify(new Date(state.metadata.createdAt).toISOString()), mutable: false },
    { key: 'name', value: JSON.stringify(state.metadata.name), mutable: true },
    { key: 'description', value: JSON.stringify(state.metadata.description), mutable: true },
    ...CONFIG_KEYS.map((k) => ({ key: k, value: JSON.stringify(state.settings[k]), mutable: true }))
  ]
  if (key == null) {
    return rows
  }
  const row = rows.find((r) => r.key === key)
  if (row == null) {
    throw new AdminRefusedError(
      'UNKNOWN_SETTING',
      `unknown setting '${key}' (settings: ${rows.map((r) => r.key).join(', ')})`
    )
  }
  return [row]
}

export function banRows(state: RelayState): BanRow[] {
  return state.bans.map((b) => ({ ...b, at: BigInt(b.at) }))
}

export function adminRows(state: RelayState): AdminRow[] {
  return state.admins.map((a) => ({ ...a, addedAt: BigInt(a.addedAt) }))
}

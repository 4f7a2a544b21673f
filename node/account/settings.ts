import { peerIdFromString } from '@libp2p/peer-id'
import { isValidName } from '../../protocols/common/index.ts'
import { type BlockedPeer, MAX_BLOCKED } from '../blocklist.ts'
import {
  DEFAULT_RETENTION,
  formatSettings,
  parseRetention,
  RETENTION_SCOPES,
  type RetentionSettings
} from '../retention.ts'
import { CorruptAccountError } from './errors.ts'
import { parseJsonObject } from './json-file.ts'

/** The account's settings file in the data directory, next to `identity.key`. */
export const ACCOUNT_FILE = 'account.json'

/** Everything of an account except its key: profile, retention, block list. */
export interface AccountSettings {
  /** the identity this account belongs to, so a swapped key file is noticed */
  peerId: string
  /** the profile name, used when `start` gets no --name */
  name?: string
  createdAt: number
  /** p2pchat created the data directory, so destroying the account removes the directory too */
  ownsDataDir: boolean
  retention: RetentionSettings
  blocked: BlockedPeer[]
}

/** Far larger than any real account file (a full block list is about 1.5 MB). */
export const MAX_ACCOUNT_FILE_BYTES = 4 * 1024 * 1024

const FORMAT = 'p2pchat-account'
const VERSION = 1

export function defaultSettings(peerId: string, ownsDataDir: boolean, now = Date.now()): AccountSettings {
  return { peerId, createdAt: now, ownsDataDir, retention: { ...DEFAULT_RETENTION }, blocked: [] }
}

/** Readable JSON, so a person can check (or fix) what their account says. */
export function encodeSettings(s: AccountSettings): Uint8Array {
  const json = {
    format: FORMAT,
    version: VERSION,
    peerId: s.peerId,
    ...(s.name == null ? {} : { name: s.name }),
    createdAt: s.createdAt,
    ownsDataDir: s.ownsDataDir,
    retention: formatSettings(s.retention),
    blocked: s.blocked.map((b) => ({ peerId: b.peerId, name: b.name, since: b.since }))
  }
  return new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`)
}

/** Decodes and validates an account file; throws only CorruptAccountError, saying what is wrong. */
export function decodeSettings(bytes: Uint8Array): AccountSettings {
  const fail = (why: string): CorruptAccountError =>
    new CorruptAccountError(
      `${ACCOUNT_FILE} is damaged (${why}); fix it or restore a backup. Your identity key was not touched`
    )
  if (bytes.byteLength > MAX_ACCOUNT_FILE_BYTES) {
    throw fail(`${bytes.byteLength} bytes, the limit is ${MAX_ACCOUNT_FILE_BYTES}`)
  }
  const json = parseJsonObject(bytes, fail)
  if (json.format !== FORMAT || json.version !== VERSION) {
    throw fail('unknown format or version')
  }
  if (!isPeerId(json.peerId)) {
    throw fail('bad peerId')
  }
  if (json.name != null && !(typeof json.name === 'string' && isValidName(json.name))) {
    throw fail('bad name')
  }
  if (!isTimestamp(json.createdAt)) {
    throw fail('bad createdAt')
  }
  if (typeof json.ownsDataDir !== 'boolean') {
    throw fail('bad ownsDataDir')
  }
  return {
    peerId: json.peerId,
    ...(typeof json.name === 'string' ? { name: json.name } : {}),
    createdAt: json.createdAt,
    ownsDataDir: json.ownsDataDir,
    retention: decodeRetention(json.retention, fail),
    blocked: decodeBlocked(json.blocked, fail)
  }
}

function decodeRetention(value: unknown, fail: (why: string) => Error): RetentionSettings {
  if (!isObject(value)) {
    throw fail('bad retention')
  }
  const out = { ...DEFAULT_RETENTION }
  for (const scope of RETENTION_SCOPES) {
    const policy = value[scope]
    if (policy == null) {
      continue
    }
    if (typeof policy !== 'string') {
      throw fail(`bad retention for ${scope}`)
    }
    try {
      out[scope] = parseRetention(policy)
    } catch (err) {
      throw fail(`retention for ${scope}: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return out
}

function decodeBlocked(value: unknown, fail: (why: string) => Error): BlockedPeer[] {
  if (!Array.isArray(value) || value.length > MAX_BLOCKED) {
    throw fail('bad block list')
  }
  const seen = new Set<string>()
  return value.map((entry: unknown, i) => {
    if (
      !isObject(entry) ||
      !isPeerId(entry.peerId) ||
      typeof entry.name !== 'string' ||
      (entry.name !== '' && !isValidName(entry.name)) ||
      !isTimestamp(entry.since) ||
      seen.has(entry.peerId)
    ) {
      throw fail(`bad block list entry ${i}`)
    }
    seen.add(entry.peerId)
    return { peerId: entry.peerId, name: entry.name, since: entry.since }
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value != null && !Array.isArray(value)
}

function isTimestamp(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isPeerId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    return false
  }
  try {
    return peerIdFromString(value).toString() === value
  } catch {
    return false
  }
}

import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { MAX_BANS } from '../protocols/notice/index.ts'
import { validateConfig } from './config.ts'
import { ConfigError, SnapshotError } from './errors.ts'
import { MAX_KNOWN_USERS } from './known-users.ts'
import { checkDescription, checkRelayName, type RelayState } from './state.ts'

/** Identifies our snapshot files, so that some other JSON file is never taken for state. */
const FORMAT = 'p2pchat-relay-snapshot'
const VERSION = 1

/** Largest snapshot we read: 10,000 known users take about 2 MB. */
export const MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024

/** Most admins a relay keeps. */
export const MAX_ADMINS = 1000

const NAME = /^snapshot-(\d{12})\.json$/

/** File name of snapshot number `seq`: zero-padded so that names sort in save order. */
export function snapshotFileName(seq: number): string {
  return `snapshot-${String(seq).padStart(12, '0')}.json`
}

/** The sequence number in a snapshot file name, or undefined for any other file (temp files, strays). */
export function parseSnapshotFileName(name: string): number | undefined {
  const match = NAME.exec(name)
  return match == null ? undefined : Number(match[1])
}

/** Snapshot file names among `names`, newest first. */
export function newestFirst(names: string[]): string[] {
  return names
    .map((name) => ({ name, seq: parseSnapshotFileName(name) }))
    .filter((f): f is { name: string; seq: number } => f.seq != null)
    .sort((a, b) => b.seq - a.seq)
    .map((f) => f.name)
}

/** Of snapshots sorted newest first, the ones to delete so that `keep` remain. */
export function toPrune(names: string[], keep: number): string[] {
  return newestFirst(names).slice(keep)
}

export interface Snapshot {
  seq: number
  savedAt: number
  state: RelayState
}

function checksum(stateJson: string): string {
  return createHash('sha256').update(stateJson).digest('hex')
}

/** The file contents for a snapshot: the state with a checksum over its exact JSON text. */
export function encodeSnapshot(snapshot: Snapshot): string {
  const stateJson = JSON.stringify(snapshot.state)
  const header = JSON.stringify({ format: FORMAT, version: VERSION, seq: snapshot.seq, savedAt: snapshot.savedAt })
  // the state goes last and verbatim, so the checksum covers exactly the bytes on disk
  return `${header.slice(0, -1)},"sha256":"${checksum(stateJson)}","state":${stateJson}}\n`
}

/** Parses and checks a snapshot file; throws SnapshotError (only) saying what is wrong. */
export function decodeSnapshot(text: string): Snapshot {
  if (text.length > MAX_SNAPSHOT_BYTES) {
    throw new SnapshotError('file is too large to be a snapshot')
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new SnapshotError('not valid JSON (truncated or corrupted)')
  }
  const file = asRecord(raw, 'file')
  if (file.format !== FORMAT || file.version !== VERSION) {
    throw new SnapshotError(`not a version ${VERSION} relay snapshot`)
  }
  const seq = int(file.seq, 'seq')
  const savedAt = int(file.savedAt, 'savedAt')
  if (typeof file.sha256 !== 'string' || file.state == null || checksum(JSON.stringify(file.state)) !== file.sha256) {
    throw new SnapshotError('checksum mismatch (the file was altered or damaged)')
  }
  return { seq, savedAt, state: validateState(file.state) }
}

/** Checks every field of a state read from disk. */
export function validateState(raw: unknown): RelayState {
  const s = asRecord(raw, 'state')
  const m = asRecord(s.metadata, 'metadata')
  let settings: RelayState['settings']
  let name: string
  let description: string
  try {
    settings = validateConfig(s.settings, 'snapshot settings')
    name = checkRelayName(str(m.name, 'metadata.name'))
    description = checkDescription(str(m.description, 'metadata.description'))
  } catch (err) {
    throw new SnapshotError(err instanceof ConfigError ? err.message : String(err))
  }
  const admins = list(s.admins, 'admins', MAX_ADMINS).map((a, i) => {
    const r = asRecord(a, `admins[${i}]`)
    return { peerId: peer(r.peerId, 'admins'), addedBy: str(r.addedBy, 'admins'), addedAt: int(r.addedAt, 'admins') }
  })
  if (admins.length === 0) {
    throw new SnapshotError('no admins')
  }
  const bans = list(s.bans, 'bans', MAX_BANS).map((b, i) => {
    const r = asRecord(b, `bans[${i}]`)
    return {
      peerId: peer(r.peerId, 'bans'),
      name: str(r.name, 'bans'),
      reason: str(r.reason, 'bans'),
      by: str(r.by, 'bans'),
      at: int(r.at, 'bans')
    }
  })
  const users = list(s.users, 'users', MAX_KNOWN_USERS).map((u, i) => {
    const r = asRecord(u, `users[${i}]`)
    return {
      peerId: peer(r.peerId, 'users'),
      name: str(r.name, 'users'),
      firstSeen: int(r.firstSeen, 'users'),
      lastSeen: int(r.lastSeen, 'users')
    }
  })
  return {
    metadata: {
      peerId: peer(m.peerId, 'metadata.peerId'),
      name,
      description,
      createdAt: int(m.createdAt, 'createdAt')
    },
    admins,
    bans,
    banListVersion: int(s.banListVersion, 'banListVersion'),
    settings,
    users
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SnapshotError(`${what} is not an object`)
  }
  return value as Record<string, unknown>
}

function list(value: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(value) || value.length > max) {
    throw new SnapshotError(`${what} is not a list of at most ${max}`)
  }
  return value
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > 8192) {
    throw new SnapshotError(`${what}: bad text`)
  }
  return value
}

function int(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SnapshotError(`${what}: bad number`)
  }
  return value
}

function peer(value: unknown, what: string): string {
  try {
    return peerIdFromString(str(value, what)).toString()
  } catch {
    throw new SnapshotError(`${what}: bad PeerId`)
  }
}

import { readFile } from 'node:fs/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import writeFileAtomic from 'write-file-atomic'
import { MAX_TEXT_BYTES, utf8Length } from '../protocols/common/index.ts'
import { MAILBOX_DEFAULTS, type MailboxSettings } from '../protocols/mailbox/index.ts'
import { DEFAULT_STUN_PORT } from '../protocols/stun/index.ts'
import { ConfigError } from './errors.ts'

/** The relay's settings: `relay.json` in the data directory, one key per setting (see docs/relay.md). */
export interface RelayConfig {
  /** addresses to listen on: TCP for terminal clients, WebSockets for browsers. @default ['/ip4/0.0.0.0/tcp/4100', '/ip4/0.0.0.0/tcp/4101/ws'] */
  listen: string[]
  /** public addresses to advertise instead of the listening ones (behind NAT or a port forward). @default [] */
  announce: string[]
  /** other relays to federate with, each `<multiaddr>/p2p/<relay PeerId>`: one network across them. @default [] */
  peers: string[]
  /** seconds between periodic snapshots (written only when something changed). @default 60 */
  snapshotIntervalSeconds: number
  /** how many snapshots to keep. @default 5 */
  snapshotsKept: number
  /** open connections at most. @default 2000 */
  maxConnections: number
  /** new connections accepted per second from one IP address. @default 20 */
  maxConnectionsPerHostPerSecond: number
  /** connections open at once from one IP address, whatever their PeerIds. @default 32 */
  maxConnectionsPerIp: number
  /** clients that may hold a relay slot at once. @default 1000 */
  maxReservations: number
  /** relay slots the clients of one IP address may hold together. @default 8 */
  maxReservationsPerIp: number
  /** how long a relay slot lasts before the client must renew it. @default 3600 */
  reservationTtlSeconds: number
  /** bytes one relayed connection may carry before it is reset (a new one can be opened). @default 67108864 */
  relayedDataLimitBytes: number
  /** seconds one relayed connection may last before it is reset. @default 3600 */
  relayedDurationLimitSeconds: number
  /** longest lobby message the relay forwards, in UTF-8 bytes (at most 4096). @default 4096 */
  maxMessageBytes: number
  /** message of the day, sent to each client when it connects; empty for none. @default '' */
  motd: string
  /** seconds a kicked user is refused before they may reconnect; 0 lets them straight back. @default 60 */
  kickCooldownSeconds: number
  /** UDP port of the STUN responder that lets clients behind NAT connect directly; 0 runs none. @default 3478 */
  stunPort: number
  /** seconds mail waits in the mailbox for its recipient before it is deleted. @default 604800 (7 days) */
  mailTtlSeconds: number
  /** mails held for one recipient at most. @default 1000 */
  mailMaxPerRecipient: number
  /** bytes of mail held for one recipient at most. @default 8388608 */
  mailMaxBytesPerRecipient: number
  /** bytes of mail held in all. @default 536870912 */
  mailMaxTotalBytes: number
  /** recipients with mail at most. @default 100000 */
  mailMaxRecipients: number
  /** deposits one sender PeerId may make in a burst, and then per minute. @default 60, 30 */
  mailSenderBurst: number
  mailSenderPerMinute: number
  /** deposits one IP address may make in a burst, and then per minute. @default 300, 120 */
  mailIpBurst: number
  mailIpPerMinute: number
}

export const CONFIG_FILE = 'relay.json'

/** Relays one relay federates with at most: each is a kept connection and a direct gossipsub peer. */
export const MAX_FEDERATION_PEERS = 32

export const DEFAULT_CONFIG: RelayConfig = {
  listen: ['/ip4/0.0.0.0/tcp/4100', '/ip4/0.0.0.0/tcp/4101/ws'],
  announce: [],
  peers: [],
  snapshotIntervalSeconds: 60,
  snapshotsKept: 5,
  maxConnections: 2000,
  maxConnectionsPerHostPerSecond: 20,
  maxConnectionsPerIp: 32,
  maxReservations: 1000,
  maxReservationsPerIp: 8,
  reservationTtlSeconds: 3600,
  relayedDataLimitBytes: 64 * 1024 * 1024,
  relayedDurationLimitSeconds: 3600,
  maxMessageBytes: MAX_TEXT_BYTES,
  motd: '',
  kickCooldownSeconds: 60,
  stunPort: DEFAULT_STUN_PORT,
  mailTtlSeconds: MAILBOX_DEFAULTS.ttlMs / 1000,
  mailMaxPerRecipient: MAILBOX_DEFAULTS.maxMailsPerRecipient,
  mailMaxBytesPerRecipient: MAILBOX_DEFAULTS.maxBytesPerRecipient,
  mailMaxTotalBytes: MAILBOX_DEFAULTS.maxTotalBytes,
  mailMaxRecipients: MAILBOX_DEFAULTS.maxRecipients,
  mailSenderBurst: MAILBOX_DEFAULTS.senderBurst,
  mailSenderPerMinute: MAILBOX_DEFAULTS.senderPerMinute,
  mailIpBurst: MAILBOX_DEFAULTS.ipBurst,
  mailIpPerMinute: MAILBOX_DEFAULTS.ipPerMinute
}

/** The mailbox's settings as the relay config holds them. */
export function mailboxSettings(config: RelayConfig): MailboxSettings {
  return {
    ttlMs: config.mailTtlSeconds * 1000,
    maxMailsPerRecipient: config.mailMaxPerRecipient,
    maxBytesPerRecipient: config.mailMaxBytesPerRecipient,
    maxTotalBytes: config.mailMaxTotalBytes,
    maxRecipients: config.mailMaxRecipients,
    senderBurst: config.mailSenderBurst,
    senderPerMinute: config.mailSenderPerMinute,
    ipBurst: config.mailIpBurst,
    ipPerMinute: config.mailIpPerMinute,
    maxBuckets: MAILBOX_DEFAULTS.maxBuckets
  }
}

type Key = keyof RelayConfig

type Rule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'text'; maxBytes: number }
  | { kind: 'addrs' }
  | { kind: 'peers' }

/** How each key is checked. Bounds say what makes sense, not what is merely possible. */
const RULES: Record<Key, Rule> = {
  listen: { kind: 'addrs' },
  announce: { kind: 'addrs' },
  peers: { kind: 'peers' },
  snapshotIntervalSeconds: { kind: 'int', min: 1, max: 86_400 },
  snapshotsKept: { kind: 'int', min: 1, max: 100 },
  maxConnections: { kind: 'int', min: 1, max: 100_000 },
  maxConnectionsPerHostPerSecond: { kind: 'int', min: 1, max: 100_000 },
  maxConnectionsPerIp: { kind: 'int', min: 1, max: 100_000 },
  maxReservations: { kind: 'int', min: 1, max: 100_000 },
  maxReservationsPerIp: { kind: 'int', min: 1, max: 100_000 },
  reservationTtlSeconds: { kind: 'int', min: 60, max: 86_400 },
  relayedDataLimitBytes: { kind: 'int', min: 1024 * 1024, max: 2 ** 40 },
  relayedDurationLimitSeconds: { kind: 'int', min: 60, max: 86_400 },
  maxMessageBytes: { kind: 'int', min: 1, max: MAX_TEXT_BYTES },
  motd: { kind: 'text', maxBytes: MAX_TEXT_BYTES },
  kickCooldownSeconds: { kind: 'int', min: 0, max: 86_400 },
  stunPort: { kind: 'int', min: 0, max: 65_535 },
  mailTtlSeconds: { kind: 'int', min: 60, max: 90 * 86_400 },
  mailMaxPerRecipient: { kind: 'int', min: 1, max: 100_000 },
  mailMaxBytesPerRecipient: { kind: 'int', min: 64 * 1024, max: 2 ** 32 },
  mailMaxTotalBytes: { kind: 'int', min: 1024 * 1024, max: 2 ** 40 },
  mailMaxRecipients: { kind: 'int', min: 1, max: 10_000_000 },
  mailSenderBurst: { kind: 'int', min: 1, max: 100_000 },
  mailSenderPerMinute: { kind: 'int', min: 1, max: 100_000 },
  mailIpBurst: { kind: 'int', min: 1, max: 100_000 },
  mailIpPerMinute: { kind: 'int', min: 1, max: 100_000 }
}

/** Settings that take effect at once when changed on a running relay; the others at its next start. */
export const LIVE_SETTINGS: ReadonlySet<Key> = new Set<Key>([
  'snapshotIntervalSeconds',
  'snapshotsKept',
  'maxMessageBytes',
  'motd',
  'kickCooldownSeconds',
  'maxConnectionsPerIp',
  'maxReservationsPerIp',
  'mailTtlSeconds',
  'mailMaxPerRecipient',
  'mailMaxBytesPerRecipient',
  'mailMaxTotalBytes',
  'mailMaxRecipients',
  'mailSenderBurst',
  'mailSenderPerMinute',
  'mailIpBurst',
  'mailIpPerMinute'
])

export const CONFIG_KEYS = Object.keys(RULES) as Key[]

export function isConfigKey(key: string): key is Key {
  return Object.hasOwn(RULES, key)
}

/**
 * Checks a parsed config object: every key known, every value of the right type and range, missing keys take their
 * defaults. Throws ConfigError naming the first bad key.
 */
export function validateConfig(raw: unknown, source = CONFIG_FILE): RelayConfig {
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: must be a JSON object of settings`)
  }
  const out: RelayConfig = { ...DEFAULT_CONFIG }
  for (const [key, value] of Object.entries(raw)) {
    if (!isConfigKey(key)) {
      throw new ConfigError(`${source}: unknown key '${key}' (known keys: ${CONFIG_KEYS.join(', ')})`, key)
    }
    assign(out, key, checkValue(key, value, source))
  }
  return out
}

function assign<K extends Key>(config: RelayConfig, key: K, checked: unknown): void {
  // checkValue checked the value against the rule of `key`, and each rule's kind is the type of its key
  config[key] = checked as RelayConfig[K]
}

function checkValue(key: Key, value: unknown, source: string): unknown {
  const rule = RULES[key]
  const bad = (what: string): ConfigError =>
    new ConfigError(`${source}: '${key}' must be ${what} (got ${JSON.stringify(value) ?? String(value)})`, key)
  switch (rule.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
        throw bad(`a whole number from ${rule.min} to ${rule.max}`)
      }
      return value
    case 'text':
      if (typeof value !== 'string' || utf8Length(value) > rule.maxBytes) {
        throw bad(`a string of at most ${rule.maxBytes} bytes`)
      }
      return value
    case 'addrs': {
      if (!Array.isArray(value) || value.length > 32 || !value.every((v) => typeof v === 'string')) {
        throw bad('a list of multiaddr strings')
      }
      for (const addr of value) {
        try {
          multiaddr(addr)
        } catch {
          throw new ConfigError(`${source}: '${key}' has an invalid multiaddr '${addr}'`, key)
        }
      }
      if (key === 'listen' && value.length === 0) {
        throw bad('a non-empty list of multiaddr strings')
      }
      return value
    }
    case 'peers':
      return checkPeers(key, value, source)
  }
}

/** Federation peers: at most MAX_FEDERATION_PEERS multiaddrs, each ending in the peer relay's `/p2p/<PeerId>`. */
function checkPeers(key: Key, value: unknown, source: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_FEDERATION_PEERS || !value.every((v) => typeof v === 'string')) {
    throw new ConfigError(
      `${source}: '${key}' must be a list of at most ${MAX_FEDERATION_PEERS} multiaddr strings (got ${JSON.stringify(value) ?? String(value)})`,
      key
    )
  }
  for (const addr of value) {
    if (peerOfAddr(addr) == null) {
      throw new ConfigError(
        `${source}: '${key}' has '${addr}', which is not a multiaddr ending in /p2p/<relay PeerId>`,
        key
      )
    }
  }
  return value
}

/** The PeerId a federation address ends in (`.../p2p/<id>`), or undefined if it is not such an address. */
export function peerOfAddr(addr: string): string | undefined {
  try {
    const components = multiaddr(addr).getComponents()
    const last = components.at(-1)
    if (last?.name !== 'p2p' || last.value == null || components.some((c) => c.name === 'p2p-circuit')) {
      return undefined
    }
    return peerIdFromString(last.value).toString()
  } catch {
    return undefined
  }
}

/**
 * Parses the text an admin typed for `set <key> <value>`: numbers as numbers, text as is, address lists as a JSON
 * array or separated by spaces or commas. Throws ConfigError naming the key.
 */
export function parseSetting(key: string, text: string): Partial<RelayConfig> {
  if (!isConfigKey(key)) {
    throw new ConfigError(`unknown setting '${key}' (settings: ${CONFIG_KEYS.join(', ')})`, key)
  }
  const rule = RULES[key]
  let value: unknown = text
  if (rule.kind === 'int') {
    value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text
  } else if (rule.kind === 'addrs' || rule.kind === 'peers') {
    const trimmed = text.trim()
    value = trimmed.startsWith('[') ? safeJson(trimmed) : trimmed.split(/[\s,]+/).filter((a) => a.length > 0)
  }
  return { [key]: checkValue(key, value, 'setting') }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Reads and validates `path`; a missing file is `undefined`, anything wrong with it a ConfigError. */
export async function readConfig(path: string): Promise<RelayConfig | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined
    }
    throw new ConfigError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  return validateConfig(raw, path)
}

/** Writes the config atomically, formatted for people to edit. */
export async function writeConfig(path: string, config: RelayConfig): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, fsync: true })
}

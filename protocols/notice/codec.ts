import { peerIdFromString } from '@libp2p/peer-id'
import type { Uint8ArrayList } from 'uint8arraylist'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { checkTimestamp, safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS } from '../common/limits.ts'
import { utf8Length } from '../common/text.ts'
import { MAX_BANS, MAX_NOTICE_BYTES, MAX_NOTICE_TEXT_BYTES, MAX_SHUTDOWN_SECONDS } from './constants.ts'
import { Notice } from './pb/notice.ts'

/** A relay's ban list: `version` orders lists from the same relay. */
export interface BanListData {
  version: number
  peers: string[]
}

/** What a relay tells its clients, validated. */
export type RelayNotice =
  | { kind: 'announcement' | 'message' | 'motd'; ts: number; text: string }
  | { kind: 'bans'; ts: number; bans: BanListData }
  | { kind: 'kicked' | 'banned' | 'departed'; ts: number; peer: string; text: string }
  | { kind: 'shutdown'; ts: number; seconds: number; text: string }

export type NoticeKind = RelayNotice['kind']

/** The notices that say a user left a relay: of its own accord, kicked or banned. */
export function isDepartureNotice(notice: RelayNotice): notice is Extract<RelayNotice, { peer: string }> {
  return notice.kind === 'departed' || notice.kind === 'kicked' || notice.kind === 'banned'
}

const KIND_TO_WIRE: Record<NoticeKind, Notice.Kind> = {
  announcement: Notice.Kind.ANNOUNCEMENT,
  message: Notice.Kind.MESSAGE,
  motd: Notice.Kind.MOTD,
  bans: Notice.Kind.BANS,
  kicked: Notice.Kind.KICKED,
  banned: Notice.Kind.BANNED,
  departed: Notice.Kind.DEPARTED,
  shutdown: Notice.Kind.SHUTDOWN
}

export function encodeNotice(notice: RelayNotice): Uint8Array {
  const base = {
    kind: KIND_TO_WIRE[notice.kind],
    timestamp: BigInt(notice.ts),
    text: '',
    peer: new Uint8Array(0),
    seconds: 0
  }
  switch (notice.kind) {
    case 'bans':
      return Notice.encode({
        ...base,
        bans: { version: BigInt(notice.bans.version), peers: notice.bans.peers.map(peerBytes) }
      })
    case 'kicked':
    case 'banned':
    case 'departed':
      return Notice.encode({ ...base, text: notice.text, peer: peerBytes(notice.peer) })
    case 'shutdown':
      return Notice.encode({ ...base, text: notice.text, seconds: notice.seconds })
    default:
      return Notice.encode({ ...base, text: notice.text })
  }
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeNotice(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): RelayNotice {
  const msg = safeDecode(bytes, MAX_NOTICE_BYTES, (buf) =>
    Notice.decode(buf, { limits: { bans: { peers: MAX_BANS } } })
  )
  const kind = (Object.keys(KIND_TO_WIRE) as NoticeKind[]).find((k) => KIND_TO_WIRE[k] === msg.kind)
  if (kind == null) {
    throw new InvalidMessageError('unknown notice kind')
  }
  if (utf8Length(msg.text) > MAX_NOTICE_TEXT_BYTES) {
    throw new InvalidMessageError('notice text too long')
  }
  const ts = checkTimestamp(msg.timestamp, now, MAX_CLOCK_SKEW_MS)
  switch (kind) {
    case 'bans': {
      if (msg.bans == null || msg.bans.version > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new InvalidMessageError('bad ban list')
      }
      return { kind, ts, bans: { version: Number(msg.bans.version), peers: msg.bans.peers.map(peerString) } }
    }
    case 'kicked':
    case 'banned':
    case 'departed':
      return { kind, ts, peer: peerString(msg.peer), text: msg.text }
    case 'shutdown':
      if (msg.seconds > MAX_SHUTDOWN_SECONDS) {
        throw new InvalidMessageError('shutdown delay too long')
      }
      return { kind, ts, seconds: msg.seconds, text: msg.text }
    default:
      if (msg.text.trim().length === 0) {
        throw new InvalidMessageError('empty notice')
      }
      return { kind, ts, text: msg.text }
  }
}

function peerBytes(peerId: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(peerIdFromString(peerId).toMultihash().bytes)
}

function peerString(bytes: Uint8Array): string {
  if (bytes.byteLength === 0 || bytes.byteLength > 128) {
    throw new InvalidMessageError('bad PeerId')
  }
  try {
    return peerIdFromString(uint8ArrayToString(bytes, 'base58btc')).toString()
  } catch {
    throw new InvalidMessageError('bad PeerId')
  }
}

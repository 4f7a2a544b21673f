import type { Uint8ArrayList } from 'uint8arraylist'
import { checkSenderSeq, checkTimestamp, type SenderSeq, safeDecode, wireSenderSeq } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES } from '../common/limits.ts'
import { isValidName } from '../common/names.ts'
import { MAX_ADDR_BYTES, MAX_ANNOUNCED_ADDRS } from './constants.ts'
import { Presence } from './pb/presence.ts'

export type PresenceKind = 'alive' | 'join' | 'leave'

/** A validated presence announcement. */
export interface Announcement {
  kind: PresenceKind
  name: string
  ts: number
  /** binary multiaddrs, decoded by the caller */
  addrs: Uint8Array[]
  /** where the announcer's own lobby posts stand in this run, if it posted */
  lobbyTail?: SenderSeq
  /** how long receivers may list the announcer without hearing from it again; absent: their PRESENCE_TTL_MS */
  lifetimeMs?: number
}

const KIND_TO_WIRE: Record<PresenceKind, Presence.Kind> = {
  alive: Presence.Kind.ALIVE,
  join: Presence.Kind.JOIN,
  leave: Presence.Kind.LEAVE
}

export function encodeAnnouncement(a: Announcement): Uint8Array {
  return Presence.encode({
    kind: KIND_TO_WIRE[a.kind],
    name: a.name,
    timestamp: BigInt(a.ts),
    addrs: a.addrs.map((bytes) => Uint8Array.from(bytes)),
    ...lobbyTailWire(a.lobbyTail),
    lifetimeMs: a.lifetimeMs ?? 0
  })
}

function lobbyTailWire(tail: SenderSeq | undefined): { lobbyEpoch: bigint; lobbySeq: bigint } {
  const { epoch, seq } = wireSenderSeq(tail ?? {})
  return { lobbyEpoch: epoch, lobbySeq: seq }
}

/** Decodes and validates untrusted bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeAnnouncement(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): Announcement {
  const msg = safeDecode(bytes, MAX_FRAME_BYTES, (buf) =>
    Presence.decode(buf, { limits: { addrs: MAX_ANNOUNCED_ADDRS } })
  )
  const kind = (Object.keys(KIND_TO_WIRE) as PresenceKind[]).find((k) => KIND_TO_WIRE[k] === msg.kind)
  if (kind == null) {
    throw new InvalidMessageError('unknown presence kind')
  }
  if (!isValidName(msg.name)) {
    throw new InvalidMessageError('bad name')
  }
  if (msg.addrs.some((a) => a.byteLength === 0 || a.byteLength > MAX_ADDR_BYTES)) {
    throw new InvalidMessageError('bad address')
  }
  const lobbyTail = checkSenderSeq(msg.lobbyEpoch, msg.lobbySeq)
  return {
    kind,
    name: msg.name,
    ts: checkTimestamp(msg.timestamp, now, MAX_CLOCK_SKEW_MS),
    addrs: msg.addrs,
    ...(lobbyTail == null ? {} : { lobbyTail }),
    ...(msg.lifetimeMs === 0 ? {} : { lifetimeMs: msg.lifetimeMs })
  }
}

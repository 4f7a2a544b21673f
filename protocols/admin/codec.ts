import { peerIdFromString } from '@libp2p/peer-id'
import type { Uint8ArrayList } from 'uint8arraylist'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_ARG_LENGTH, MAX_ARGS, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, MAX_ROWS } from './constants.ts'
import {
  AdminCommand,
  AdminRequest,
  AdminResponse,
  type AdminRow,
  type BanRow,
  type SettingRow,
  type UserRow
} from './pb/admin.ts'

export type { AdminRow, BanRow, SettingRow, UserRow }

/** A decoded (not yet verified) command. */
export interface CommandBody {
  /** relay PeerId, as a string */
  relay: string
  /** signer PeerId, as a string */
  signer: string
  nonce: Uint8Array
  ts: number
  command: string
  args: string[]
}

/** A decoded request: the command bytes exactly as signed, and the signature. */
export interface SignedRequest {
  commandBytes: Uint8Array
  signature: Uint8Array
}

/** What the relay answers. */
export interface AdminReply {
  ok: boolean
  code: string
  message: string
  users: UserRow[]
  bans: BanRow[]
  settings: SettingRow[]
  admins: AdminRow[]
}

const MIN_NONCE = 8
const MAX_NONCE = 64
/** Ed25519 signatures are 64 bytes; leave room for other key types without accepting junk of any size. */
const MAX_SIGNATURE = 512
const MAX_CODE = 64
const MAX_MESSAGE = 8192
const MAX_FIELD = 8192

export function encodeCommand(body: CommandBody): Uint8Array {
  return AdminCommand.encode({
    relay: peerBytes(body.relay),
    signer: peerBytes(body.signer),
    nonce: Uint8Array.from(body.nonce),
    timestamp: BigInt(body.ts),
    command: body.command,
    args: body.args
  })
}

/** Decodes command bytes; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeCommand(bytes: Uint8Array | Uint8ArrayList): CommandBody {
  const msg = safeDecode(bytes, MAX_REQUEST_BYTES, (buf) => AdminCommand.decode(buf, { limits: { args: MAX_ARGS } }))
  if (msg.nonce.byteLength < MIN_NONCE || msg.nonce.byteLength > MAX_NONCE) {
    throw new InvalidMessageError('bad nonce')
  }
  if (msg.command.length === 0 || msg.command.length > 32) {
    throw new InvalidMessageError('bad command name')
  }
  if (msg.args.some((a) => a.length > MAX_ARG_LENGTH)) {
    throw new InvalidMessageError('argument too long')
  }
  if (msg.timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidMessageError('bad timestamp')
  }
  return {
    relay: peerString(msg.relay, 'relay'),
    signer: peerString(msg.signer, 'signer'),
    nonce: msg.nonce,
    ts: Number(msg.timestamp),
    command: msg.command,
    args: msg.args
  }
}

export function encodeRequest(req: SignedRequest): Uint8Array {
  return AdminRequest.encode({ command: Uint8Array.from(req.commandBytes), signature: Uint8Array.from(req.signature) })
}

/** Decodes a request frame; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): SignedRequest {
  const msg = safeDecode(bytes, MAX_REQUEST_BYTES, (buf) => AdminRequest.decode(buf))
  if (msg.command.byteLength === 0) {
    throw new InvalidMessageError('empty command')
  }
  if (msg.signature.byteLength === 0 || msg.signature.byteLength > MAX_SIGNATURE) {
    throw new InvalidMessageError('bad signature field')
  }
  return { commandBytes: msg.command, signature: msg.signature }
}

export function encodeReply(reply: Partial<AdminReply> & { ok: boolean; message: string }): Uint8Array {
  return AdminResponse.encode({
    ok: reply.ok,
    code: reply.code ?? '',
    message: reply.message.slice(0, MAX_MESSAGE),
    users: (reply.users ?? []).slice(0, MAX_ROWS),
    bans: (reply.bans ?? []).slice(0, MAX_ROWS),
    settings: (reply.settings ?? []).slice(0, MAX_ROWS),
    admins: (reply.admins ?? []).slice(0, MAX_ROWS)
  })
}

/** Decodes the relay's answer; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeReply(bytes: Uint8Array | Uint8ArrayList): AdminReply {
  const limits = { users: MAX_ROWS, bans: MAX_ROWS, settings: MAX_ROWS, admins: MAX_ROWS }
  const msg = safeDecode(bytes, MAX_RESPONSE_BYTES, (buf) => AdminResponse.decode(buf, { limits }))
  if (msg.code.length > MAX_CODE || msg.message.length > MAX_MESSAGE) {
    throw new InvalidMessageError('reply fields too long')
  }
  if (!msg.ok && msg.code.length === 0) {
    throw new InvalidMessageError('refusal without a code')
  }
  const rows: Array<Record<string, unknown>> = [...msg.users, ...msg.bans, ...msg.settings, ...msg.admins]
  for (const row of rows) {
    for (const value of Object.values(row)) {
      if (typeof value === 'string' && value.length > MAX_FIELD) {
        throw new InvalidMessageError('reply row field too long')
      }
    }
  }
  return {
    ok: msg.ok,
    code: msg.code,
    message: msg.message,
    users: msg.users,
    bans: msg.bans,
    settings: msg.settings,
    admins: msg.admins
  }
}

/** Multihash bytes of a PeerId string. */
export function peerBytes(peerId: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(peerIdFromString(peerId).toMultihash().bytes)
}

function peerString(bytes: Uint8Array, what: string): string {
  try {
    // a PeerId's string form is the base58btc of its multihash; parsing it validates the multihash
    return peerIdFromString(uint8ArrayToString(bytes, 'base58btc')).toString()
  } catch {
    throw new InvalidMessageError(`bad ${what} PeerId`)
  }
}

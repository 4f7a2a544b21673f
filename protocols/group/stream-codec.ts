import type { Uint8ArrayList } from 'uint8arraylist'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { checkSignedEntry, type SignedEntryBytes } from './codec.ts'
import {
  MAX_CHUNK_ENTRIES,
  MAX_LOG_ENTRIES,
  MAX_REASON_LENGTH,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES
} from './constants.ts'
import { isGroupId } from './crypto.ts'
import { GroupRequest, GroupResponse, LogChunk, SignedEntry } from './pb/group.ts'

/** Codecs of the group protocol's streams: requests, answers, and logs in chunks. */

const ENTRY_ID_BYTES = 32

function fail(reason: string): never {
  throw new InvalidMessageError(reason)
}

export type RequestKind = 'sync' | 'invite' | 'decline'

export interface GroupRequestContent {
  kind: RequestKind
  groupId: string
  knownSeq: number
  knownId: Uint8Array
  inviteId: Uint8Array
}

const REQUEST_TO_WIRE: Record<RequestKind, GroupRequest.Kind> = {
  sync: GroupRequest.Kind.SYNC,
  invite: GroupRequest.Kind.INVITE,
  decline: GroupRequest.Kind.DECLINE
}

export function encodeRequest(r: GroupRequestContent): Uint8Array {
  return GroupRequest.encode({
    kind: REQUEST_TO_WIRE[r.kind],
    groupId: r.groupId,
    knownSeq: BigInt(r.knownSeq),
    knownId: r.knownId as Uint8Array<ArrayBuffer>,
    inviteId: r.inviteId as Uint8Array<ArrayBuffer>
  })
}

/** Decodes a group protocol request; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): GroupRequestContent {
  const r = safeDecode(bytes, MAX_REQUEST_BYTES, (buf) => GroupRequest.decode(buf))
  const kind = (Object.keys(REQUEST_TO_WIRE) as RequestKind[]).find((k) => REQUEST_TO_WIRE[k] === r.kind)
  if (kind == null || !isGroupId(r.groupId)) {
    fail('bad request')
  }
  if (r.knownSeq > BigInt(MAX_LOG_ENTRIES) || (r.knownId.byteLength !== 0 && r.knownId.byteLength !== ENTRY_ID_BYTES)) {
    fail('bad known head')
  }
  if (r.inviteId.byteLength !== 0 && r.inviteId.byteLength !== ENTRY_ID_BYTES) {
    fail('bad invitation id')
  }
  return { kind, groupId: r.groupId, knownSeq: Number(r.knownSeq), knownId: r.knownId, inviteId: r.inviteId }
}

export type ResponseStatus = 'ok' | 'unknown-group' | 'refused' | 'invalid'

const STATUS_TO_WIRE: Record<ResponseStatus, GroupResponse.Status> = {
  ok: GroupResponse.Status.OK,
  'unknown-group': GroupResponse.Status.UNKNOWN_GROUP,
  refused: GroupResponse.Status.REFUSED,
  invalid: GroupResponse.Status.INVALID
}

export function encodeResponse(status: ResponseStatus, reason = ''): Uint8Array {
  return GroupResponse.encode({ status: STATUS_TO_WIRE[status], reason: reason.slice(0, MAX_REASON_LENGTH) })
}

/** Decodes a group protocol answer; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeResponse(bytes: Uint8Array | Uint8ArrayList): { status: ResponseStatus; reason: string } {
  const r = safeDecode(bytes, MAX_RESPONSE_BYTES, (buf) => GroupResponse.decode(buf))
  const status = (Object.keys(STATUS_TO_WIRE) as ResponseStatus[]).find((s) => STATUS_TO_WIRE[s] === r.status)
  if (status == null || r.reason.length > MAX_REASON_LENGTH) {
    fail('bad response')
  }
  return { status, reason: r.reason }
}

/** Splits signed entries into LogChunk frames of about CHUNK_TARGET_BYTES each. */
export function encodeLogChunks(entries: Uint8Array[], targetBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  let current: SignedEntry[] = []
  let size = 0
  for (const bytes of entries) {
    if (current.length > 0 && (size + bytes.byteLength > targetBytes || current.length >= MAX_CHUNK_ENTRIES)) {
      chunks.push(LogChunk.encode({ entries: current, last: false }))
      current = []
      size = 0
    }
    current.push(SignedEntry.decode(bytes))
    size += bytes.byteLength
  }
  chunks.push(LogChunk.encode({ entries: current, last: true }))
  return chunks
}

/** Decodes one LogChunk into signed entries (signatures unchecked); throws the named decode errors only. */
export function decodeLogChunk(bytes: Uint8Array | Uint8ArrayList): { entries: SignedEntryBytes[]; last: boolean } {
  const c = safeDecode(bytes, MAX_FRAME_BYTES, (buf) =>
    LogChunk.decode(buf, { limits: { entries: MAX_CHUNK_ENTRIES } })
  )
  return { entries: c.entries.map(checkSignedEntry), last: c.last }
}

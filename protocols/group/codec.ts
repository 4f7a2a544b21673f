import type { Uint8ArrayList } from 'uint8arraylist'
import {
  checkSenderSeq,
  checkTimestamp,
  isValidId,
  type SenderSeq,
  safeDecode,
  wireSenderSeq
} from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES } from '../common/limits.ts'
import { isValidName } from '../common/names.ts'
import { validateText } from '../common/text.ts'
import { MAX_ENTRY_BYTES, MAX_LOG_ENTRIES, MAX_MEMBERS, MAX_PARENTS, SIGNED_ENTRY_OVERHEAD_BYTES } from './constants.ts'
import { isGroupId, KEY_BYTES, KEY_ID_BYTES, NONCE_BYTES, type WrappedFor } from './crypto.ts'
import { isValidDescription, isValidGroupName } from './names.ts'
import { Announcement, Entry, GroupFrame, Post, SignedEntry, TopicFrame } from './pb/group.ts'

export type EntryKind = 'create' | 'invite' | 'join' | 'leave' | 'remove' | 'promote' | 'demote' | 'meta' | 'rekey'

/** A group key sealed for some members. */
export interface Rotation {
  /** INVITE: the id of the key shared; empty when the entry introduces a new key */
  keyId: Uint8Array
  ephemeral: Uint8Array
  wrapped: WrappedFor[]
}

/** The validated body of a membership log entry. Keys are raw Ed25519 public keys. */
export interface EntryBody {
  kind: EntryKind
  groupId: string
  /** depth in the log's graph: one more than the deepest parent */
  seq: number
  /** the first (lowest id) parent; empty for CREATE */
  prev: Uint8Array
  /** further parents, ascending ids above `prev`: the branches this entry merges */
  merges: Uint8Array[]
  author: Uint8Array
  ts: number
  subject: Uint8Array
  name: string
  description: string
  memberName: string
  private: boolean
  nonce: Uint8Array
  keys?: Rotation
}

/** A decoded signed entry; the signature is not checked yet (see entries.ts). */
export interface SignedEntryBytes {
  body: Uint8Array
  signature: Uint8Array
  entry: EntryBody
}

export interface GroupPost extends Partial<SenderSeq> {
  groupId: string
  id: string
  ts: number
  senderName: string
  text: string
}

const KIND_TO_WIRE: Record<EntryKind, Entry.Kind> = {
  create: Entry.Kind.CREATE,
  invite: Entry.Kind.INVITE,
  join: Entry.Kind.JOIN,
  leave: Entry.Kind.LEAVE,
  remove: Entry.Kind.REMOVE,
  promote: Entry.Kind.PROMOTE,
  demote: Entry.Kind.DEMOTE,
  meta: Entry.Kind.META,
  rekey: Entry.Kind.REKEY
}

/** Kinds that concern one member, named in `subject`. */
const WITH_SUBJECT = new Set<EntryKind>(['invite', 'join', 'leave', 'remove', 'promote', 'demote'])

/** Kinds that may carry a key rotation (in private groups they must). */
const WITH_KEYS = new Set<EntryKind>(['create', 'invite', 'remove', 'rekey'])

/** Nonce of a CREATE entry. */
export const GROUP_NONCE_BYTES = 16

const SIGNATURE_BYTES = 64
const ENTRY_ID_BYTES = 32
const PUBLIC_KEY_BYTES = 32
const WRAPPED_BYTES = KEY_BYTES + 16

function fail(reason: string): never {
  throw new InvalidMessageError(reason)
}

export function encodeEntryBody(e: EntryBody): Uint8Array {
  return Entry.encode({
    kind: KIND_TO_WIRE[e.kind],
    groupId: e.groupId,
    seq: BigInt(e.seq),
    prev: e.prev as Uint8Array<ArrayBuffer>,
    merges: e.merges.map((m) => m as Uint8Array<ArrayBuffer>),
    author: e.author as Uint8Array<ArrayBuffer>,
    timestamp: BigInt(e.ts),
    subject: e.subject as Uint8Array<ArrayBuffer>,
    name: e.name,
    description: e.description,
    memberName: e.memberName,
    private: e.private,
    nonce: e.nonce as Uint8Array<ArrayBuffer>,
    ...(e.keys == null
      ? {}
      : {
          keys: {
            keyId: e.keys.keyId as Uint8Array<ArrayBuffer>,
            ephemeral: e.keys.ephemeral as Uint8Array<ArrayBuffer>,
            wrapped: e.keys.wrapped.map((w) => ({
              recipient: w.recipient as Uint8Array<ArrayBuffer>,
              nonce: w.nonce as Uint8Array<ArrayBuffer>,
              ciphertext: w.ciphertext as Uint8Array<ArrayBuffer>
            }))
          }
        })
  })
}

/** Decodes and checks the shape of an entry body; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeEntryBody(bytes: Uint8Array | Uint8ArrayList): EntryBody {
  const e = safeDecode(bytes, MAX_ENTRY_BYTES, (buf) =>
    Entry.decode(buf, { limits: { merges: MAX_PARENTS - 1, keys: { wrapped: MAX_MEMBERS } } })
  )
  const kind = (Object.keys(KIND_TO_WIRE) as EntryKind[]).find((k) => KIND_TO_WIRE[k] === e.kind)
  if (kind == null) {
    fail('unknown entry kind')
  }
  checkPlacement(e, kind)
  checkContent(e, kind)
  return {
    kind,
    groupId: e.groupId,
    seq: Number(e.seq),
    prev: e.prev,
    merges: e.merges,
    author: e.author,
    ts: Number(e.timestamp),
    subject: e.subject,
    name: e.name,
    description: e.description,
    memberName: e.memberName,
    private: e.private,
    nonce: e.nonce,
    ...(e.keys == null ? {} : { keys: { keyId: e.keys.keyId, ephemeral: e.keys.ephemeral, wrapped: e.keys.wrapped } })
  }
}

/** Checks where an entry sits: its group, its sequence number, its author, its parents and its timestamp. */
function checkPlacement(e: Entry, kind: EntryKind): void {
  if (!isGroupId(e.groupId)) {
    fail('bad group id')
  }
  if (e.seq > BigInt(MAX_LOG_ENTRIES)) {
    fail('entry sequence number past the log limit')
  }
  if (e.author.byteLength !== PUBLIC_KEY_BYTES) {
    fail('bad author key')
  }
  const seq = Number(e.seq)
  if (kind === 'create' ? seq !== 0 || e.prev.byteLength !== 0 : seq === 0 || e.prev.byteLength !== ENTRY_ID_BYTES) {
    fail('bad position in the log')
  }
  if (!areOrderedParents([e.prev, ...e.merges]) || (kind === 'create' && e.merges.length > 0)) {
    fail('bad parents')
  }
  if (e.timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    fail('bad timestamp')
  }
}

/** Checks that an entry carries exactly the fields its kind calls for, each well-formed. */
function checkContent(e: Entry, kind: EntryKind): void {
  if (WITH_SUBJECT.has(kind) ? e.subject.byteLength !== PUBLIC_KEY_BYTES : e.subject.byteLength !== 0) {
    fail('bad subject')
  }
  if (kind === 'create' || kind === 'meta') {
    if (!isValidGroupName(e.name) || !isValidDescription(e.description)) {
      fail('bad group name or description')
    }
  } else if (e.name !== '' || e.description !== '') {
    fail('unexpected group name or description')
  }
  if (kind === 'create' || kind === 'invite' || kind === 'join' ? !isValidName(e.memberName) : e.memberName !== '') {
    fail('bad member name')
  }
  if (kind === 'create' ? e.nonce.byteLength !== GROUP_NONCE_BYTES : e.nonce.byteLength !== 0 || e.private) {
    fail('bad group nonce or visibility')
  }
  if (e.keys != null) {
    if (!WITH_KEYS.has(kind)) {
      fail('unexpected key rotation')
    }
    checkRotation(e.keys.keyId, e.keys.ephemeral, e.keys.wrapped)
  }
}

/** Parents are entry ids in strictly ascending order (so each appears once and the encoding is unique). */
function areOrderedParents(ids: Uint8Array[]): boolean {
  return ids.every((id, i) => i === 0 || (id.byteLength === ENTRY_ID_BYTES && compareBytes(ids[i - 1], id) < 0))
}

/** Lexicographic order of byte strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      return a[i] - b[i]
    }
  }
  return a.byteLength - b.byteLength
}

function checkRotation(keyId: Uint8Array, ephemeral: Uint8Array, wrapped: WrappedFor[]): void {
  if (keyId.byteLength !== 0 && keyId.byteLength !== KEY_ID_BYTES) {
    fail('bad key id')
  }
  if (ephemeral.byteLength !== 32 || wrapped.length === 0) {
    fail('bad key rotation')
  }
  for (const w of wrapped) {
    if (
      w.recipient.byteLength !== PUBLIC_KEY_BYTES ||
      w.nonce.byteLength !== NONCE_BYTES ||
      w.ciphertext.byteLength !== WRAPPED_BYTES
    ) {
      fail('bad wrapped key')
    }
  }
}

export function encodeSignedEntry(body: Uint8Array, signature: Uint8Array): Uint8Array {
  return SignedEntry.encode({ entry: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
}

/** Checks a decoded SignedEntry message (signature length, body shape); signature unchecked. */
export function checkSignedEntry(s: SignedEntry): SignedEntryBytes {
  if (s.signature.byteLength !== SIGNATURE_BYTES) {
    fail('bad signature length')
  }
  return { body: s.entry, signature: s.signature, entry: decodeEntryBody(s.entry) }
}

/** Decodes a signed entry (signature unchecked); throws InvalidMessageError or MessageTooLargeError only. */
export function decodeSignedEntry(bytes: Uint8Array | Uint8ArrayList): SignedEntryBytes {
  return checkSignedEntry(
    safeDecode(bytes, MAX_ENTRY_BYTES + SIGNED_ENTRY_OVERHEAD_BYTES, (buf) => SignedEntry.decode(buf))
  )
}

export function encodePost(p: GroupPost): Uint8Array {
  validateText(p.text)
  return Post.encode({
    groupId: p.groupId,
    id: p.id,
    timestamp: BigInt(p.ts),
    senderName: p.senderName,
    text: p.text,
    ...wireSenderSeq(p)
  })
}

/** Decodes and validates a post body; throws InvalidMessageError or MessageTooLargeError only. */
export function decodePost(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): GroupPost {
  const p = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => Post.decode(buf))
  if (!isGroupId(p.groupId) || !isValidId(p.id) || !isValidName(p.senderName)) {
    fail('bad post header')
  }
  if (p.text.trim().length === 0) {
    fail('empty post')
  }
  validateText(p.text)
  const seq = checkSenderSeq(p.epoch, p.seq)
  return {
    groupId: p.groupId,
    id: p.id,
    ts: checkTimestamp(p.timestamp, now, MAX_CLOCK_SKEW_MS),
    senderName: p.senderName,
    text: p.text,
    ...seq
  }
}

/** A group frame: one signed entry or one signed post, still to be verified. */
export type GroupFrameContent =
  | { type: 'entry'; entry: SignedEntryBytes; raw: Uint8Array }
  | { type: 'post'; body: Uint8Array; signature: Uint8Array; post: GroupPost }

export function encodeEntryFrame(signedEntry: Uint8Array): Uint8Array {
  const s = SignedEntry.decode(signedEntry)
  return GroupFrame.encode({ entry: s })
}

export function encodePostFrame(body: Uint8Array, signature: Uint8Array): Uint8Array {
  return GroupFrame.encode({
    post: { post: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> }
  })
}

/** Decodes a group frame; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeGroupFrame(bytes: Uint8Array | Uint8ArrayList, now: number = Date.now()): GroupFrameContent {
  const f = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => GroupFrame.decode(buf))
  if ((f.entry == null) === (f.post == null)) {
    fail('a frame carries exactly one entry or post')
  }
  if (f.entry != null) {
    const entry = checkSignedEntry(f.entry)
    return { type: 'entry', entry, raw: encodeSignedEntry(entry.body, entry.signature) }
  }
  const sp = f.post!
  if (sp.signature.byteLength !== SIGNATURE_BYTES) {
    fail('bad signature length')
  }
  return { type: 'post', body: sp.post, signature: sp.signature, post: decodePost(sp.post, now) }
}

export type TopicFrameContent =
  | { sealed: false; plain: Uint8Array }
  | { sealed: true; keyId: Uint8Array; nonce: Uint8Array; ciphertext: Uint8Array }

export function encodeTopicFrame(f: TopicFrameContent): Uint8Array {
  return f.sealed
    ? TopicFrame.encode({
        plain: new Uint8Array(0),
        keyId: f.keyId as Uint8Array<ArrayBuffer>,
        nonce: f.nonce as Uint8Array<ArrayBuffer>,
        sealed: f.ciphertext as Uint8Array<ArrayBuffer>
      })
    : TopicFrame.encode({
        plain: f.plain as Uint8Array<ArrayBuffer>,
        keyId: new Uint8Array(0),
        nonce: new Uint8Array(0),
        sealed: new Uint8Array(0)
      })
}

/** Decodes the outer frame of a group topic; throws InvalidMessageError or MessageTooLargeError only. */
export function decodeTopicFrame(bytes: Uint8Array | Uint8ArrayList): TopicFrameContent {
  const f = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => TopicFrame.decode(buf))
  const sealedParts = [f.keyId, f.nonce, f.sealed].filter((b) => b.byteLength > 0).length
  if (f.plain.byteLength > 0 && sealedParts === 0) {
    return { sealed: false, plain: f.plain }
  }
  if (f.plain.byteLength === 0 && sealedParts === 3) {
    if (f.keyId.byteLength !== KEY_ID_BYTES || f.nonce.byteLength !== NONCE_BYTES || f.sealed.byteLength < 16) {
      fail('bad sealed frame')
    }
    return { sealed: true, keyId: f.keyId, nonce: f.nonce, ciphertext: f.sealed }
  }
  return fail('a topic frame is either plain or sealed')
}

export interface AnnouncementContent {
  genesis: SignedEntryBytes
  meta: SignedEntryBytes
  members: number
}

export function encodeAnnouncement(genesis: Uint8Array, meta: Uint8Array, members: number): Uint8Array {
  return Announcement.encode({ genesis: SignedEntry.decode(genesis), meta: SignedEntry.decode(meta), members })
}

/** Decodes a directory announcement (signatures unchecked); throws InvalidMessageError or MessageTooLargeError. */
export function decodeAnnouncement(bytes: Uint8Array | Uint8ArrayList): AnnouncementContent {
  const a = safeDecode(bytes, MAX_FRAME_BYTES, (buf) => Announcement.decode(buf))
  if (a.genesis == null || a.meta == null) {
    fail('announcement without genesis or metadata')
  }
  const genesis = checkSignedEntry(a.genesis)
  const meta = checkSignedEntry(a.meta)
  if (genesis.entry.kind !== 'create' || (meta.entry.kind !== 'create' && meta.entry.kind !== 'meta')) {
    fail('announcement entries of the wrong kind')
  }
  if (a.members > MAX_MEMBERS) {
    fail('member count over the limit')
  }
  return { genesis, meta, members: a.members }
}

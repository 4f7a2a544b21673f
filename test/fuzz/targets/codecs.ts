import fc from 'fast-check'
import { decodeRequest as decodeAdminRequest, decodeCommand, decodeReply } from '../../../protocols/admin/index.ts'
import { AdminCommand, AdminRequest, AdminResponse } from '../../../protocols/admin/pb/admin.ts'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { decodeNotice as decodeDeletion } from '../../../protocols/deletion/codec.ts'
import { DeletionNotice } from '../../../protocols/deletion/pb/deletion.ts'
import { decodeAck, decodeDm } from '../../../protocols/dm/index.ts'
import { DirectMessage, DirectMessageAck } from '../../../protocols/dm/pb/dm.ts'
import {
  decodeRequest as decodeFileRequest,
  decodeResponse as decodeFileResponse
} from '../../../protocols/file/index.ts'
import { FileRequest, FileResponse } from '../../../protocols/file/pb/file.ts'
import { decodeLobbyPost } from '../../../protocols/lobby/codec.ts'
import { LobbyMessage } from '../../../protocols/lobby/pb/lobby.ts'
import { decodeNotice } from '../../../protocols/notice/codec.ts'
import { Notice } from '../../../protocols/notice/pb/notice.ts'
import { decodeAnnouncement } from '../../../protocols/presence/codec.ts'
import { Presence } from '../../../protocols/presence/pb/presence.ts'
import {
  addrArb,
  idArb,
  mostly,
  NOW,
  nameArb,
  oddStringArb,
  type PeerPool,
  peerPool,
  sizedBytesArb,
  textArb,
  tsArb,
  uint32Arb,
  uint64Arb,
  uint64NumberArb
} from '../fields.ts'
import { bytesFrom } from '../mutate.ts'
import { defineTarget, type Target, type TargetSpec } from '../target.ts'

/** The members of a protons enum (its namespace also holds a `codec` function). */
export function enumArb<T extends object>(e: T): fc.Arbitrary<Extract<T[keyof T], string>> {
  return fc.constantFrom(...Object.values(e).filter((v): v is Extract<T[keyof T], string> => typeof v === 'string'))
}

/** Every protocol decoder promises to throw these two only. */
export function isDecodeError(err: unknown): boolean {
  return err instanceof InvalidMessageError || err instanceof MessageTooLargeError
}

/** Bytes from `valid` (mutated or not, or random) into `decode`. */
export function decoderSpec(
  valid: fc.Arbitrary<Uint8Array>,
  decode: (bytes: Uint8Array) => unknown,
  expected: (err: unknown) => boolean = isDecodeError
): TargetSpec<Uint8Array> {
  return {
    input: bytesFrom(valid),
    run: (bytes) => {
      decode(bytes)
    },
    expected
  }
}

/** A decoder target whose valid messages may carry PeerIds from the shared pool. */
export function decoderTarget(
  name: string,
  valid: (pool: PeerPool) => fc.Arbitrary<Uint8Array>,
  decode: (bytes: Uint8Array) => unknown
): Target {
  return defineTarget(name, 'decoder', async () => decoderSpec(valid(await sharedPool()), decode))
}

let pool: Promise<PeerPool> | undefined

/** One pool of identities for all targets of a run: key generation is the slowest part of setting up. */
export function sharedPool(): Promise<PeerPool> {
  pool ??= peerPool()
  return pool
}

/** A chat line (DM or lobby post) as the wire carries it. */
export const chatLine = fc.record({ id: idArb, timestamp: tsArb, senderName: nameArb, text: textArb })

const reasonArb = mostly(fc.string({ maxLength: 256 }), oddStringArb)

const transferIdArb = mostly(
  fc.stringMatching(/^[0-9a-f]{16,64}$/),
  fc.oneof(oddStringArb, fc.stringMatching(/^[0-9a-fA-F]{0,70}$/))
)

export function fileRequestArb(): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      kind: enumArb(FileRequest.Kind),
      id: transferIdArb,
      name: mostly(fc.constantFrom('photo.jpg', 'a', '../../etc/passwd', 'x'.repeat(1024)), oddStringArb),
      size: mostly(fc.nat(), uint64NumberArb),
      sha256: sizedBytesArb(32),
      chunkSize: mostly(fc.constantFrom(1024 * 1024, 4 * 1024 * 1024, 256 * 1024 * 1024), uint32Arb),
      senderName: nameArb,
      ttlMs: mostly(fc.constantFrom(1, 3_600_000, 604_800_000), uint64NumberArb),
      offset: mostly(fc.nat(), uint64NumberArb),
      wantHashes: fc.boolean(),
      reason: reasonArb
    })
    .map((r) => FileRequest.encode(r))
}

function fileResponseArb(): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      status: enumArb(FileResponse.Status),
      reason: reasonArb,
      chunkHashes: mostly(
        fc.nat({ max: 8 }).chain((n) => fc.uint8Array({ minLength: n * 32, maxLength: n * 32 })),
        fc.uint8Array({ maxLength: 100 })
      ).map((b) => Uint8Array.from(b))
    })
    .map((r) => FileResponse.encode(r))
}

export function noticeArb(p: PeerPool): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      kind: enumArb(Notice.Kind),
      timestamp: tsArb,
      text: textArb,
      peer: p.peerBytesArb,
      seconds: uint32Arb,
      bans: fc.option(fc.record({ version: uint64Arb, peers: fc.array(p.peerBytesArb, { maxLength: 6 }) }), {
        nil: undefined
      })
    })
    .map((n) => Notice.encode(n))
}

function adminCommandArb(p: PeerPool): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      relay: p.peerBytesArb,
      signer: p.peerBytesArb,
      nonce: sizedBytesArb(16),
      timestamp: tsArb,
      command: mostly(fc.constantFrom('ban', 'unban', 'kick', 'users', 'set', 'admins', 'help'), oddStringArb),
      args: fc.array(mostly(fc.constantFrom('alice', '10m', 'spam', 'name'), oddStringArb), { maxLength: 10 })
    })
    .map((c) => AdminCommand.encode(c))
}

const rowString = mostly(fc.string({ maxLength: 30 }), oddStringArb)

function adminReplyArb(): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      ok: fc.boolean(),
      code: mostly(fc.constantFrom('', 'NOT_ADMIN', 'USAGE'), oddStringArb),
      message: rowString,
      users: fc.array(fc.record({ peerId: rowString, name: rowString, online: fc.boolean(), lastSeen: uint64Arb }), {
        maxLength: 3
      }),
      bans: fc.array(
        fc.record({ peerId: rowString, name: rowString, reason: rowString, by: rowString, at: uint64Arb }),
        { maxLength: 3 }
      ),
      settings: fc.array(fc.record({ key: rowString, value: rowString, mutable: fc.boolean() }), { maxLength: 3 }),
      admins: fc.array(fc.record({ peerId: rowString, addedBy: rowString, addedAt: uint64Arb }), { maxLength: 3 })
    })
    .map((r) => AdminResponse.encode(r))
}

/** Encoded admin commands inside a request frame with a signature-sized (unchecked) signature. */
export function adminRequestArb(p: PeerPool): fc.Arbitrary<Uint8Array> {
  return fc
    .record({ command: mostly(adminCommandArb(p), fc.uint8Array({ maxLength: 20 })), signature: sizedBytesArb(64) })
    .map((r) => AdminRequest.encode({ command: Uint8Array.from(r.command), signature: r.signature }))
}

export const presenceArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    kind: enumArb(Presence.Kind),
    name: nameArb,
    timestamp: tsArb,
    addrs: fc.array(addrArb, { maxLength: 18 }),
    lifetimeMs: mostly(fc.constant(0), fc.nat({ max: 0xffff_ffff }))
  })
  .map((a) => Presence.encode(a))

export const deletionArb: fc.Arbitrary<Uint8Array> = tsArb.map((timestamp) => DeletionNotice.encode({ timestamp }))

export const codecTargets: Target[] = [
  decoderTarget(
    'dm.decodeDm',
    () => chatLine.map((m) => DirectMessage.encode(m)),
    (b) => decodeDm(b, NOW)
  ),
  decoderTarget(
    'dm.decodeAck',
    () =>
      fc
        .record({ id: idArb, status: enumArb(DirectMessageAck.Status), reason: reasonArb })
        .map((a) => DirectMessageAck.encode(a)),
    decodeAck
  ),
  decoderTarget(
    'lobby.decodeLobbyPost',
    () => chatLine.map((m) => LobbyMessage.encode(m)),
    (b) => decodeLobbyPost(b, NOW)
  ),
  decoderTarget(
    'presence.decodeAnnouncement',
    () => presenceArb,
    (b) => decodeAnnouncement(b, NOW)
  ),
  decoderTarget(
    'deletion.decodeNotice',
    () => deletionArb,
    (b) => decodeDeletion(b, NOW)
  ),
  decoderTarget('notice.decodeNotice', noticeArb, (b) => decodeNotice(b, NOW)),
  decoderTarget('admin.decodeCommand', adminCommandArb, decodeCommand),
  decoderTarget('admin.decodeRequest', adminRequestArb, decodeAdminRequest),
  decoderTarget('admin.decodeReply', adminReplyArb, decodeReply),
  decoderTarget('file.decodeRequest', fileRequestArb, decodeFileRequest),
  decoderTarget('file.decodeResponse', fileResponseArb, decodeFileResponse)
]

import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { errorMessage } from '../common/errors.ts'
import { type FrameStream, frameStream } from '../common/frames.ts'
import { MAX_FRAME_BYTES } from '../common/limits.ts'
import { openStreamReusing } from '../common/streams.ts'
import type { SignedEntryBytes } from './codec.ts'
import { CHUNK_TARGET_BYTES, GROUP_PROTOCOL, MAX_LOG_ENTRIES, MAX_LOG_TRANSFER_BYTES } from './constants.ts'
import { GroupSyncError } from './errors.ts'
import {
  decodeLogChunk,
  decodeRequest,
  decodeResponse,
  encodeLogChunks,
  encodeRequest,
  encodeResponse,
  type GroupRequestContent,
  type ResponseStatus
} from './stream-codec.ts'

// frames, not bare lpStream: a stream cut mid-frame is a protocol error (PROTOCOL_ERROR), not an unknown failure
type LpStream = FrameStream

export interface Answer {
  status: ResponseStatus
  reason?: string
}

/** What the service answers on the group protocol; the stream handling lives here. */
export interface GroupStreamHooks {
  /** entries to send for a SYNC request, or why not */
  logFor(peer: PeerId, req: GroupRequestContent): Answer & { entries?: Uint8Array[] }
  /** an invitation for us arrived with its log */
  invitation(peer: PeerId, req: GroupRequestContent, entries: SignedEntryBytes[]): Promise<Answer>
  /** an invitee declines */
  decline(peer: PeerId, req: GroupRequestContent): Promise<Answer>
}

async function writeLog(lp: LpStream, entries: Uint8Array[], options: AbortOptions): Promise<void> {
  for (const chunk of encodeLogChunks(entries, CHUNK_TARGET_BYTES)) {
    await lp.write(chunk, options)
  }
}

/** Reads LogChunk frames until the last one, within MAX_LOG_TRANSFER_BYTES and MAX_LOG_ENTRIES. */
async function readLog(lp: LpStream, options: AbortOptions): Promise<SignedEntryBytes[]> {
  const entries: SignedEntryBytes[] = []
  let bytes = 0
  for (;;) {
    const frame = await lp.read(options)
    bytes += frame.byteLength
    if (bytes > MAX_LOG_TRANSFER_BYTES) {
      throw new GroupSyncError('log transfer over the size limit')
    }
    const chunk = decodeLogChunk(frame)
    entries.push(...chunk.entries)
    if (entries.length > MAX_LOG_ENTRIES) {
      throw new GroupSyncError('log transfer over the entry limit')
    }
    if (chunk.last) {
      return entries
    }
  }
}

async function open(
  cm: ConnectionManager,
  peer: PeerId,
  signal: AbortSignal
): Promise<{ stream: Stream; lp: LpStream }> {
  let stream: Stream
  try {
    stream = await openStreamReusing(cm, peer, GROUP_PROTOCOL, { signal, runOnLimitedConnection: true })
  } catch (err) {
    // the cause marks it as a member out of reach (worth another try), not a wrong answer
    throw new GroupSyncError(`could not reach ${peer}: ${errorMessage(err)}`, { cause: err })
  }
  return { stream, lp: frameStream(stream, MAX_FRAME_BYTES) }
}

async function exchange<T>(
  cm: ConnectionManager,
  peer: PeerId,
  signal: AbortSignal,
  fn: (lp: LpStream) => Promise<T>
): Promise<T> {
  const { stream, lp } = await open(cm, peer, signal)
  try {
    const result = await fn(lp)
    await stream.close({ signal })
    return result
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err instanceof GroupSyncError ? err : new GroupSyncError(`${peer}: ${errorMessage(err)}`)
  }
}

async function expectOk(lp: LpStream, peer: PeerId, options: AbortOptions): Promise<void> {
  const answer = decodeResponse(await lp.read(options))
  if (answer.status !== 'ok') {
    throw new GroupSyncError(`${peer} answered ${answer.status}${answer.reason ? `: ${answer.reason}` : ''}`)
  }
}

/** Asks `peer` for the log of a group after our head (or all of it); returns the entries, signatures unchecked. */
export function fetchLog(
  cm: ConnectionManager,
  peer: PeerId,
  req: Omit<GroupRequestContent, 'kind' | 'inviteId'>,
  signal: AbortSignal
): Promise<SignedEntryBytes[]> {
  return exchange(cm, peer, signal, async (lp) => {
    await lp.write(encodeRequest({ ...req, kind: 'sync', inviteId: new Uint8Array(0) }), { signal })
    await expectOk(lp, peer, { signal })
    return readLog(lp, { signal })
  })
}

/** Delivers an invitation: the INVITE entry's id and the log up to it, so the invitee can check every step. */
export function sendInvitation(
  cm: ConnectionManager,
  peer: PeerId,
  groupId: string,
  inviteId: Uint8Array,
  entries: Uint8Array[],
  signal: AbortSignal
): Promise<void> {
  return exchange(cm, peer, signal, async (lp) => {
    await lp.write(encodeRequest({ kind: 'invite', groupId, knownSeq: 0, knownId: new Uint8Array(0), inviteId }), {
      signal
    })
    await writeLog(lp, entries, { signal })
    await expectOk(lp, peer, { signal })
  })
}

/** Tells the inviter that we decline, so that it withdraws the invitation (and the key we were given). */
export function sendDecline(
  cm: ConnectionManager,
  peer: PeerId,
  groupId: string,
  inviteId: Uint8Array,
  signal: AbortSignal
): Promise<void> {
  return exchange(cm, peer, signal, async (lp) => {
    await lp.write(encodeRequest({ kind: 'decline', groupId, knownSeq: 0, knownId: new Uint8Array(0), inviteId }), {
      signal
    })
    await expectOk(lp, peer, { signal })
  })
}

/** Serves one inbound stream; throws (after answering `invalid` where possible) on protocol errors. */
export async function serveGroupStream(
  stream: Stream,
  peer: PeerId,
  hooks: GroupStreamHooks,
  signal: AbortSignal
): Promise<void> {
  const lp = frameStream(stream, MAX_FRAME_BYTES)
  const options = { signal }
  let req: GroupRequestContent
  try {
    req = decodeRequest(await lp.read(options))
  } catch (err) {
    await lp.write(encodeResponse('invalid', errorMessage(err)), options).catch(() => {})
    throw err
  }
  let answer: Answer
  if (req.kind === 'sync') {
    const found = hooks.logFor(peer, req)
    await lp.write(encodeResponse(found.status, found.reason), options)
    if (found.status === 'ok') {
      await writeLog(lp, found.entries ?? [], options)
    }
    await stream.close(options)
    return
  }
  if (req.kind === 'invite') {
    let entries: SignedEntryBytes[]
    try {
      entries = await readLog(lp, options)
    } catch (err) {
      await lp.write(encodeResponse('invalid', errorMessage(err)), options).catch(() => {})
      throw err
    }
    answer = await hooks.invitation(peer, req, entries)
  } else {
    answer = await hooks.decline(peer, req)
  }
  await lp.write(encodeResponse(answer.status, answer.reason), options)
  await stream.close(options)
}

import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import {
  decodeAnnouncement,
  decodeEntryBody,
  decodeGroupFrame,
  decodeSignedEntry,
  decodeTopicFrame,
  encodeAnnouncement,
  encodeEntryFrame,
  encodePost,
  encodePostFrame,
  encodeSignedEntry,
  encodeTopicFrame
} from '../../../protocols/group/codec.ts'
import { deriveGroupId, signPostBody } from '../../../protocols/group/crypto.ts'
import { signEntry, type VerifiedEntry } from '../../../protocols/group/entries.ts'
import {
  GROUP_PROTOCOL,
  type GroupService,
  groups,
  verifyAnnouncement,
  verifyTopicFrameStateless
} from '../../../protocols/group/index.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { authorEntry, type Op } from '../../../protocols/group/ops.ts'
import {
  Entry,
  GroupFrame,
  GroupRequest,
  GroupResponse,
  LogChunk,
  Post,
  SignedEntry,
  TopicFrame
} from '../../../protocols/group/pb/group.ts'
import {
  decodeLogChunk,
  decodeRequest,
  decodeResponse,
  encodeLogChunks
} from '../../../protocols/group/stream-codec.ts'
import { FakePubsub, FakeRegistrar, quietEvents, unreachable } from '../fakes.ts'
import {
  idArb,
  mostly,
  NOW,
  nameArb,
  oddStringArb,
  type PeerPool,
  sizedBytesArb,
  textArb,
  tsArb,
  uint32Arb,
  uint64Arb
} from '../fields.ts'
import { bytesFrom, streamFrom } from '../mutate.ts'
import { defineTarget, isNamedError, type Target } from '../target.ts'
import { decoderSpec, enumArb, sharedPool } from './codecs.ts'

const EMPTY = new Uint8Array(0)

/** A public group made once, deterministically (fixed keys, nonce and times): real signatures to mutate. */
interface Corpus {
  groupId: string
  /** the log: create, invite bob, bob joins, meta, invite carol (the peer under test in the stream handler) */
  entries: VerifiedEntry[]
  /** the log up to carol's invitation, and its id */
  inviteId: Uint8Array
  /** signed post bodies, as GroupFrame bytes */
  postFrames: Uint8Array[]
  announcement: Uint8Array
}

let corpus: Promise<Corpus> | undefined

async function buildCorpus(pool: PeerPool): Promise<Corpus> {
  const [alice, bob, carol] = pool.keys
  const nonce = new Uint8Array(16).fill(7)
  const groupId = deriveGroupId(alice.publicKey.raw, nonce)
  const genesis = await signEntry(alice, {
    kind: 'create',
    groupId,
    seq: 0,
    prev: EMPTY,
    merges: [],
    author: new Uint8Array(alice.publicKey.raw),
    ts: NOW,
    subject: EMPTY,
    name: 'team',
    description: 'fuzz',
    memberName: 'alice',
    private: false,
    nonce
  })
  const log = GroupLog.create(genesis)
  const steps: Array<[typeof alice, Op]> = [
    [alice, { kind: 'invite', subject: bob.publicKey.raw, memberName: 'bob' }],
    [bob, { kind: 'join', memberName: 'bob' }],
    [alice, { kind: 'meta', name: 'team 2', description: 'renamed' }],
    [alice, { kind: 'invite', subject: carol.publicKey.raw, memberName: 'carol' }]
  ]
  for (const [i, [key, op]] of steps.entries()) {
    const e = await authorEntry(key, log.position(), op, undefined, NOW + i + 1)
    if (log.offer([e]).type !== 'appended') {
      throw new Error(`fuzz corpus: ${op.kind} was not appended`)
    }
  }
  const entries = log.all()
  const postFrames: Uint8Array[] = []
  for (const [i, key] of [alice, bob].entries()) {
    const body = encodePost({ groupId, id: `post-${i}`, ts: NOW + 10, senderName: 'x', text: 'hello group' })
    postFrames.push(encodePostFrame(body, await signPostBody(key, body)))
  }
  const meta = entries.find((e) => e.kind === 'meta') ?? genesis
  return {
    groupId,
    entries: [...entries],
    inviteId: entries[entries.length - 1].id,
    postFrames,
    announcement: encodeAnnouncement(genesis.bytes, meta.bytes, 2)
  }
}

function groupCorpus(): Promise<Corpus> {
  corpus ??= sharedPool().then(buildCorpus)
  return corpus
}

/** Entry bodies of every kind, fields mostly shaped right: signatures are not what the decoders check. */
function entryBodyArb(groupId: string): fc.Arbitrary<Uint8Array> {
  const key32 = sizedBytesArb(32)
  return fc
    .record({
      kind: enumArb(Entry.Kind),
      groupId: mostly(fc.constant(groupId), oddStringArb),
      seq: mostly(fc.nat({ max: 10 }).map(BigInt), uint64Arb),
      prev: mostly(fc.constant(EMPTY), key32),
      author: key32,
      timestamp: tsArb,
      subject: mostly(fc.constant(EMPTY), key32),
      name: mostly(fc.constantFrom('', 'team'), oddStringArb),
      description: mostly(fc.constant(''), oddStringArb),
      private: fc.boolean(),
      nonce: mostly(fc.constant(EMPTY), sizedBytesArb(16)),
      memberName: mostly(fc.constantFrom('', 'bob'), nameArb),
      keys: fc.option(
        fc.record({
          keyId: mostly(fc.constant(EMPTY), sizedBytesArb(16)),
          ephemeral: key32,
          wrapped: fc.array(fc.record({ recipient: key32, nonce: sizedBytesArb(24), ciphertext: sizedBytesArb(48) }), {
            maxLength: 3
          })
        }),
        { nil: undefined }
      )
    })
    .map((e) => Entry.encode(e))
}

function signedArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constantFrom(...c.entries.map((e) => e.bytes)),
    fc.tuple(entryBodyArb(c.groupId), sizedBytesArb(64)).map(([body, sig]) => encodeSignedEntry(body, sig))
  )
}

function postBodyArb(groupId: string): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      groupId: mostly(fc.constant(groupId), oddStringArb),
      id: idArb,
      timestamp: tsArb,
      senderName: nameArb,
      text: textArb
    })
    .map((p) => Post.encode(p))
}

function groupFrameArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constantFrom(...c.postFrames, ...c.entries.map((e) => encodeEntryFrame(e.bytes))),
    fc
      .tuple(postBodyArb(c.groupId), sizedBytesArb(64))
      .map(([post, signature]) => GroupFrame.encode({ post: { post: Uint8Array.from(post), signature } })),
    signedArb(c).map((bytes) => GroupFrame.encode({ entry: SignedEntry.decode(bytes) }))
  )
}

function topicFrameArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    groupFrameArb(c).map((plain) => encodeTopicFrame({ sealed: false, plain })),
    fc
      .record({
        plain: mostly(fc.constant(EMPTY), sizedBytesArb(20)),
        keyId: sizedBytesArb(16),
        nonce: sizedBytesArb(24),
        sealed: sizedBytesArb(40)
      })
      .map((f) => TopicFrame.encode(f))
  )
}

const entryIdArb = mostly(fc.constant(EMPTY), sizedBytesArb(32))

function requestArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      kind: enumArb(GroupRequest.Kind),
      groupId: mostly(fc.constant(c.groupId), oddStringArb),
      knownSeq: mostly(fc.nat({ max: 6 }).map(BigInt), uint64Arb),
      knownId: mostly(fc.constantFrom(EMPTY, ...c.entries.map((e) => e.id)), entryIdArb),
      inviteId: mostly(fc.constantFrom(EMPTY, c.inviteId), entryIdArb)
    })
    .map((r) =>
      GroupRequest.encode({ ...r, knownId: Uint8Array.from(r.knownId), inviteId: Uint8Array.from(r.inviteId) })
    )
}

function logChunkArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constantFrom(
      ...encodeLogChunks(
        c.entries.map((e) => e.bytes),
        48 * 1024
      )
    ),
    fc
      .tuple(fc.array(signedArb(c), { maxLength: 4 }), fc.boolean())
      .map(([entries, last]) => LogChunk.encode({ entries: entries.map((e) => SignedEntry.decode(e)), last }))
  )
}

/** A group decoder target over the corpus. */
function groupDecoder(
  name: string,
  valid: (c: Corpus) => fc.Arbitrary<Uint8Array>,
  decode: (bytes: Uint8Array) => unknown
): Target {
  return defineTarget(name, 'decoder', async () => {
    const c = await groupCorpus()
    return decoderSpec(valid(c), decode)
  })
}

/** A public group's topic, as members and relays check it before anything else (signatures included). */
const topicValidator = defineTarget('group.verifyTopicFrame', 'decoder', async () => {
  const c = await groupCorpus()
  const pool = await sharedPool()
  return {
    input: fc.tuple(bytesFrom(topicFrameArb(c)), fc.nat({ max: pool.peers.length - 1 })),
    run: async ([data, from]: [Uint8Array, number]) => {
      const sender = pool.peers[from]
      await verifyTopicFrameStateless(c.groupId, sender.toString(), pool.keys[from].publicKey, data)
    }
  }
})

const announcementValidator = defineTarget('group.verifyAnnouncement', 'decoder', async () => {
  const c = await groupCorpus()
  return {
    input: bytesFrom(fc.oneof(fc.constant(c.announcement), announcementArb(c))),
    run: async (data: Uint8Array) => {
      await verifyAnnouncement(data)
    }
  }
})

function announcementArb(c: Corpus): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(signedArb(c), signedArb(c), uint32Arb)
    .map(([genesis, meta, members]) =>
      encodeAnnouncementOf(SignedEntry.decode(genesis), SignedEntry.decode(meta), members)
    )
}

function encodeAnnouncementOf(genesis: SignedEntry, meta: SignedEntry, members: number): Uint8Array {
  return encodeAnnouncement(SignedEntry.encode(genesis), SignedEntry.encode(meta), members)
}

/**
 * The group protocol's stream handler with the real service behind it. `member`: the node is bob, a member serving
 * SYNC; otherwise carol, who has an invitation to check.
 */
function groupHandler(name: string, member: boolean): Target {
  return defineTarget(name, 'handler', async () => {
    const pool = await sharedPool()
    const c = await groupCorpus()
    const registrar = new FakeRegistrar()
    const who = member ? 1 : 2
    const service: GroupService = groups({ name: member ? 'bob' : 'carol', timeoutMs: 1000 })({
      peerId: pool.peers[who],
      privateKey: pool.keys[who],
      pubsub: new FakePubsub().asGossipSub(),
      registrar: registrar.asRegistrar(),
      connectionManager: unreachable(),
      events: quietEvents(),
      logger: defaultLogger()
    })
    await service.start()
    const refused: unknown[] = []
    service.addEventListener('rejected', (evt) => refused.push(evt.detail.error))
    if (member) {
      service.engine.adopt(GroupLog.fromEntries(c.entries.slice(0, 3)), false)
    }
    const invite = GroupRequest.encode({
      kind: GroupRequest.Kind.INVITE,
      groupId: c.groupId,
      knownSeq: 0n,
      knownId: EMPTY,
      inviteId: Uint8Array.from(c.inviteId)
    })
    const validInvite = [
      invite,
      ...encodeLogChunks(
        c.entries.map((e) => e.bytes),
        48 * 1024
      )
    ]
    const frames = fc.oneof(
      fc.constant(validInvite),
      fc
        .tuple(bytesFrom(requestArb(c)), fc.array(bytesFrom(logChunkArb(c)), { maxLength: 2 }))
        .map(([req, chunks]) => [req, ...chunks])
    )
    return {
      input: fc.record({ from: fc.nat({ max: pool.peers.length - 1 }), chunks: streamFrom(frames) }),
      run: async (k: { from: number; chunks: Uint8Array[] }) => {
        await registrar.serve(GROUP_PROTOCOL, pool.peers[k.from], k.chunks)
        // what the service refused, it refused with a named error
        const bad = refused.splice(0).find((e) => !isNamedError(e))
        if (bad != null) {
          throw bad
        }
      },
      close: async () => {
        await service.beforeStop()
        await service.stop()
      }
    }
  })
}

export const groupTargets: Target[] = [
  groupDecoder(
    'group.decodeEntryBody',
    (c) =>
      fc.oneof(fc.constantFrom(...c.entries.map((e) => SignedEntry.decode(e.bytes).entry)), entryBodyArb(c.groupId)),
    decodeEntryBody
  ),
  groupDecoder('group.decodeSignedEntry', signedArb, decodeSignedEntry),
  groupDecoder('group.decodeGroupFrame', groupFrameArb, (b) => decodeGroupFrame(b, NOW)),
  groupDecoder('group.decodeTopicFrame', topicFrameArb, decodeTopicFrame),
  groupDecoder(
    'group.decodeAnnouncement',
    (c) => fc.oneof(fc.constant(c.announcement), announcementArb(c)),
    decodeAnnouncement
  ),
  groupDecoder('group.decodeRequest', requestArb, decodeRequest),
  groupDecoder(
    'group.decodeResponse',
    () =>
      fc
        .record({ status: enumArb(GroupResponse.Status), reason: mostly(fc.string({ maxLength: 256 }), oddStringArb) })
        .map((r) => GroupResponse.encode(r)),
    decodeResponse
  ),
  groupDecoder('group.decodeLogChunk', logChunkArb, decodeLogChunk),
  topicValidator,
  announcementValidator,
  groupHandler('group.handler.sync', true),
  groupHandler('group.handler.invite', false)
]

/** The corpus log, as a group store would hold it. */
export async function groupLogEntries(): Promise<{ groupId: string; entries: Uint8Array[] }> {
  const c = await groupCorpus()
  return { groupId: c.groupId, entries: c.entries.map((e) => e.bytes) }
}

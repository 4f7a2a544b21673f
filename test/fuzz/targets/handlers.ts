import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId, PeerStore } from '@libp2p/interface'
import type { AddressManager } from '@libp2p/interface-internal'
import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import { ADMIN_PROTOCOL, AdminServer, signRequest } from '../../../protocols/admin/index.ts'
import { frameStream } from '../../../protocols/common/frames.ts'
import { DELETION_TOPIC } from '../../../protocols/deletion/constants.ts'
import { DeletionService } from '../../../protocols/deletion/deletion.ts'
import { DirectMessages, DM_PROTOCOL } from '../../../protocols/dm/index.ts'
import { DirectMessage } from '../../../protocols/dm/pb/dm.ts'
import { FILE_PROTOCOL, type FileRequestHandler, FileTransfer } from '../../../protocols/file/index.ts'
import { LOBBY_TOPIC } from '../../../protocols/lobby/constants.ts'
import { LobbyService } from '../../../protocols/lobby/lobby.ts'
import { LobbyMessage } from '../../../protocols/lobby/pb/lobby.ts'
import { NOTICE_PROTOCOL, NOTICE_TOPIC } from '../../../protocols/notice/constants.ts'
import { NoticeService } from '../../../protocols/notice/notice.ts'
import { PRESENCE_TOPIC } from '../../../protocols/presence/constants.ts'
import { type PresenceComponents, PresenceService } from '../../../protocols/presence/presence.ts'
import { FakePubsub, FakeRegistrar, quietEvents, unreachable } from '../fakes.ts'
import { NOW, type PeerPool } from '../fields.ts'
import { memoryStreamPair } from '../memory-stream.ts'
import { bytesFrom, streamFrom } from '../mutate.ts'
import { defineTarget, isNamedError, type Target, type TargetSpec } from '../target.ts'
import {
  adminRequestArb,
  chatLine,
  deletionArb,
  fileRequestArb,
  isDecodeError,
  noticeArb,
  presenceArb,
  sharedPool
} from './codecs.ts'

/** Handler timeouts while fuzzing: short, so a case that waits for more bytes ends quickly. */
const FUZZ_TIMEOUT_MS = 1000

const logger = defaultLogger()

/** One stream case: who opens it, and what they write on it. */
interface StreamCase {
  from: number
  chunks: Uint8Array[]
}

function streamCase(frames: fc.Arbitrary<Uint8Array[]>, peers: number): fc.Arbitrary<StreamCase> {
  return fc.record({ from: fc.nat({ max: peers - 1 }), chunks: streamFrom(frames) })
}

/** Errors a service reported (its `protocol-error` events): they must be named ones, like what it throws. */
class Reported {
  private readonly errors: unknown[] = []
  add = (err: unknown): void => {
    this.errors.push(err)
  }
  check(): void {
    const bad = this.errors.find((e) => !isNamedError(e))
    this.errors.length = 0
    if (bad != null) {
      throw bad
    }
  }
}

/** A handler target: a service registered with a fake registrar, served one stream per case. */
export function handlerTarget(
  name: string,
  protocol: string,
  setup: (registrar: FakeRegistrar, pool: PeerPool, reported: Reported) => Promise<fc.Arbitrary<Uint8Array[]>>
): Target {
  return defineTarget(name, 'handler', async (): Promise<TargetSpec<StreamCase>> => {
    const pool = await sharedPool()
    const registrar = new FakeRegistrar()
    const reported = new Reported()
    const frames = await setup(registrar, pool, reported)
    return {
      input: streamCase(frames, pool.peers.length),
      run: async (c) => {
        await registrar.serve(protocol, pool.peers[c.from], c.chunks)
        reported.check()
      }
    }
  })
}

/** Up to `max` frames, each valid or mutated (framing stays right, so later frames are reached). */
function framesOf(valid: fc.Arbitrary<Uint8Array>, max: number): fc.Arbitrary<Uint8Array[]> {
  return fc.array(bytesFrom(valid), { minLength: 1, maxLength: max })
}

const dmHandler = handlerTarget('dm.handler', DM_PROTOCOL, async (registrar, pool, reported) => {
  const blocked = pool.peers[1].toString()
  const dm = new DirectMessages(
    { registrar: registrar.asRegistrar(), connectionManager: unreachable(), logger },
    {
      timeoutMs: FUZZ_TIMEOUT_MS,
      idleTimeoutMs: FUZZ_TIMEOUT_MS,
      accept: (peer: PeerId) => peer.toString() !== blocked
    }
  )
  dm.addEventListener('protocol-error', (evt) => reported.add(evt.detail.error))
  await dm.start()
  return framesOf(
    chatLine.map((m) => DirectMessage.encode(m)),
    4
  )
})

/** Answers every request; a FETCH gets a few small blocks. */
const ACCEPT_ALL: FileRequestHandler = {
  offer: async () => ({ status: 'ok' }),
  fetch: async () => ({
    status: 'ok',
    chunkHashes: new Uint8Array(32),
    source: (async function* () {
      yield new Uint8Array(100)
      yield new Uint8Array(5000)
    })(),
    signal: AbortSignal.timeout(FUZZ_TIMEOUT_MS)
  }),
  decline: async () => ({ status: 'ok' }),
  cancel: async () => ({ status: 'unknown', reason: 'no such transfer' }),
  complete: async () => ({ status: 'ok' })
}

const fileHandler = handlerTarget('file.handler', FILE_PROTOCOL, async (registrar, _pool, reported) => {
  const file = new FileTransfer(
    { registrar: registrar.asRegistrar(), connectionManager: unreachable(), logger },
    { requestTimeoutMs: FUZZ_TIMEOUT_MS, idleTimeoutMs: FUZZ_TIMEOUT_MS }
  )
  file.setHandler(ACCEPT_ALL)
  file.addEventListener('protocol-error', (evt) => reported.add(evt.detail.error))
  await file.start()
  return framesOf(fileRequestArb(), 2)
})

const adminHandler = handlerTarget('admin.handler', ADMIN_PROTOCOL, async (registrar, pool) => {
  const relay = pool.peers[0]
  const server = new AdminServer(
    { peerId: relay, registrar: registrar.asRegistrar(), logger },
    // signed requests are made once, at a fixed time: any age passes the freshness check
    { timeoutMs: FUZZ_TIMEOUT_MS, freshnessMs: Number.MAX_SAFE_INTEGER }
  )
  server.setHandler({
    isAdmin: (peer) => peer !== pool.peers[2].toString(),
    execute: async (cmd) => ({ message: `ran ${cmd.command}` })
  })
  await server.start()
  // properly signed requests from each identity, so verification passes and the later checks are reached
  const signed: Uint8Array[] = []
  for (const [i, key] of pool.keys.entries()) {
    for (const [command, args] of [
      ['users', []],
      ['ban', ['alice', 'spam']],
      ['set', ['name', 'x']],
      ['nonsense', ['a', 'b', 'c']]
    ] as const) {
      const nonce = Uint8Array.from({ length: 16 }, (_, j) => i * 16 + j + command.length)
      signed.push(await signRequest(key, { relay: relay.toString(), command, args: [...args], now: NOW, nonce }))
    }
  }
  return fc.array(fc.oneof(bytesFrom(fc.constantFrom(...signed)), adminRequestArb(pool)), {
    minLength: 1,
    maxLength: 2
  })
})

const noticeHandler = handlerTarget('notice.handler', NOTICE_PROTOCOL, async (registrar, pool) => {
  const service = new NoticeService({
    pubsub: new FakePubsub().asGossipSub(),
    registrar: registrar.asRegistrar(),
    connectionManager: unreachable(),
    logger
  })
  await service.start()
  return framesOf(noticeArb(pool), 2)
})

/** The length-prefixed frame reader every DM stream goes through, read until it refuses. */
const framesReader = defineTarget('common.frameStream', 'handler', () => ({
  input: streamFrom(framesOf(fc.uint8Array({ maxLength: 300 }), 4)),
  run: async (chunks: Uint8Array[]) => {
    const { outbound, inbound } = memoryStreamPair()
    const frames = frameStream(inbound, 256)
    for (const chunk of chunks) {
      outbound.send(chunk)
    }
    await outbound.close()
    try {
      for (;;) {
        await frames.read({ signal: AbortSignal.timeout(FUZZ_TIMEOUT_MS) })
      }
    } finally {
      inbound.abort(new Error('case over'))
    }
  },
  // a stream that ends is an InvalidMessageError too: after the last frame, reading on is refused like a cut frame
  expected: isDecodeError
}))

export const handlerTargets: Target[] = [framesReader, dmHandler, fileHandler, adminHandler, noticeHandler]

/** One gossip message on a topic, from one of the pool's identities. */
interface GossipCase {
  from: number
  signed: boolean
  data: Uint8Array
}

/**
 * A topic's validator and then, for what it accepts, the service's message listener: what gossipsub does with every
 * message a peer forwards. Listener exceptions surface as uncaught exceptions, which the runner counts as crashes.
 */
function gossipTarget(
  name: string,
  topic: string,
  valid: (pool: PeerPool) => fc.Arbitrary<Uint8Array>,
  start: (pubsub: FakePubsub, pool: PeerPool) => void | Promise<void>
): Target {
  return defineTarget(name, 'handler', async (): Promise<TargetSpec<GossipCase>> => {
    const pool = await sharedPool()
    const pubsub = new FakePubsub()
    await start(pubsub, pool)
    const validate = pubsub.topicValidators.get(topic)
    if (validate == null) {
      throw new Error(`${name}: no validator for ${topic}`)
    }
    let seq = 0n
    return {
      input: fc.record({
        from: fc.nat({ max: pool.peers.length - 1 }),
        signed: fc.boolean(),
        data: bytesFrom(valid(pool))
      }),
      run: async (c) => {
        const from = pool.peers[c.from]
        const msg: Message = c.signed
          ? {
              type: 'signed',
              from,
              topic,
              data: c.data,
              sequenceNumber: seq++,
              signature: new Uint8Array(64),
              key: pool.keys[c.from].publicKey
            }
          : { type: 'unsigned', topic, data: c.data }
        const verdict = await validate(from, msg)
        if (verdict === TopicValidatorResult.Accept) {
          pubsub.safeDispatchEvent('message', { detail: msg })
        }
      }
    }
  })
}

function presenceFakes(): Pick<PresenceComponents, 'addressManager' | 'peerStore'> {
  const addressManager: Pick<AddressManager, 'getAddresses'> = { getAddresses: () => [] }
  const peerStore: Pick<PeerStore, 'merge'> = {
    merge: async (peer) => ({ id: peer, addresses: [], protocols: [], metadata: new Map(), tags: new Map() })
  }
  return { addressManager: addressManager as AddressManager, peerStore: peerStore as PeerStore }
}

export const gossipTargets: Target[] = [
  gossipTarget(
    'lobby.gossip',
    LOBBY_TOPIC,
    () => chatLine.map((m) => LobbyMessage.encode(m)),
    (pubsub) => {
      new LobbyService({ pubsub: pubsub.asGossipSub(), logger }).start()
    }
  ),
  gossipTarget(
    'presence.gossip',
    PRESENCE_TOPIC,
    () => presenceArb,
    async (pubsub, pool) => {
      await new PresenceService(
        {
          peerId: pool.peers[0],
          pubsub: pubsub.asGossipSub(),
          connectionManager: unreachable(),
          events: quietEvents(),
          logger,
          ...presenceFakes()
        },
        { name: 'me' }
      ).start()
    }
  ),
  gossipTarget('notice.gossip', NOTICE_TOPIC, noticeArb, async (pubsub) => {
    await new NoticeService({
      pubsub: pubsub.asGossipSub(),
      registrar: new FakeRegistrar().asRegistrar(),
      connectionManager: unreachable(),
      logger
    }).start()
  }),
  gossipTarget(
    'deletion.gossip',
    DELETION_TOPIC,
    () => deletionArb,
    (pubsub, pool) => {
      new DeletionService({ peerId: pool.peers[0], pubsub: pubsub.asGossipSub(), logger }).start()
    }
  )
]

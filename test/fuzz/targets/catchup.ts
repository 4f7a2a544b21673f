import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import { decodeRequest, decodeResponseFrame, decodeSignedGossip } from '../../../protocols/catchup/codec.ts'
import { CATCH_UP_PROTOCOL } from '../../../protocols/catchup/constants.ts'
import { CatchUpRequest, CatchUpResponse, SignedGossip } from '../../../protocols/catchup/pb/catchup.ts'
import { CatchUpService } from '../../../protocols/catchup/service.ts'
import { LOBBY_TOPIC } from '../../../protocols/lobby/constants.ts'
import { FakePubsub, unreachable } from '../fakes.ts'
import { mostly, oddStringArb, type PeerPool, sizedBytesArb, uint32Arb, uint64Arb } from '../fields.ts'
import { bytesFrom } from '../mutate.ts'
import type { Target } from '../target.ts'
import { decoderTarget, enumArb } from './codecs.ts'
import { handlerTarget } from './handlers.ts'

const topicArb = mostly(fc.constantFrom('/p2pchat/lobby/1.0.0', '/p2pchat/group/1.0.0/abc'), oddStringArb)

function gossipArb(pool: PeerPool): fc.Arbitrary<SignedGossip> {
  return fc.record({
    from: pool.peerBytesArb,
    data: fc.uint8Array({ maxLength: 600 }).map((b) => Uint8Array.from(b)),
    seqno: sizedBytesArb(8),
    topic: topicArb,
    signature: sizedBytesArb(64)
  })
}

const requestArb = fc
  .record({ topic: topicArb, since: uint64Arb, limit: uint32Arb })
  .map((r) => CatchUpRequest.encode(r))

/** The catch-up responder with a few lobby posts kept (its own, signed as they are served), one stream per case. */
const catchUpHandler = handlerTarget('catchup.handler', CATCH_UP_PROTOCOL, async (registrar, pool) => {
  const service = new CatchUpService(
    {
      peerId: pool.peers[0],
      privateKey: pool.keys[0],
      registrar: registrar.asRegistrar(),
      connectionManager: unreachable(),
      pubsub: new FakePubsub(),
      logger: defaultLogger()
    },
    {
      store: { maxBytes: 1_000_000, maxConversations: 4 },
      keep: () => true,
      policy: (_peer, topic) => (topic === LOBBY_TOPIC ? { windowMs: 60_000 } : { refused: 'not kept' }),
      timeoutMs: 1000
    }
  )
  await service.start()
  for (let i = 0; i < 3; i++) {
    service.keepOwn(LOBBY_TOPIC, Uint8Array.of(10, 1, 0x30 + i))
  }
  return fc.array(bytesFrom(requestArb), { minLength: 1, maxLength: 2 })
})

/** The catch-up decoders: requests, answer frames, and the signed gossip messages inside them. */
export const catchUpTargets: Target[] = [
  decoderTarget('catchup.decodeRequest', () => requestArb, decodeRequest),
  decoderTarget(
    'catchup.decodeSignedGossip',
    (pool) => gossipArb(pool).map((g) => SignedGossip.encode(g)),
    decodeSignedGossip
  ),
  decoderTarget(
    'catchup.decodeResponseFrame',
    (pool) =>
      fc
        .record({
          status: enumArb(CatchUpResponse.Status),
          reason: oddStringArb,
          messages: fc.array(gossipArb(pool), { maxLength: 4 }),
          last: fc.boolean(),
          truncated: fc.boolean()
        })
        .map((r) => CatchUpResponse.encode(r)),
    decodeResponseFrame
  ),
  catchUpHandler
]

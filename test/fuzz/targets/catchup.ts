import fc from 'fast-check'
import { decodeRequest, decodeResponseFrame, decodeSignedGossip } from '../../../protocols/catchup/codec.ts'
import { CatchUpRequest, CatchUpResponse, SignedGossip } from '../../../protocols/catchup/pb/catchup.ts'
import { mostly, oddStringArb, type PeerPool, sizedBytesArb, uint32Arb, uint64Arb } from '../fields.ts'
import type { Target } from '../target.ts'
import { decoderTarget, enumArb } from './codecs.ts'

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

/** The catch-up decoders: requests, answer frames, and the signed gossip messages inside them. */
export const catchUpTargets: Target[] = [
  decoderTarget(
    'catchup.decodeRequest',
    () => fc.record({ topic: topicArb, since: uint64Arb, limit: uint32Arb }).map((r) => CatchUpRequest.encode(r)),
    decodeRequest
  ),
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
  )
]

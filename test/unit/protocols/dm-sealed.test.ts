import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import {
  decodeContent,
  decodeDmFrame,
  encodeContent,
  encodeDm,
  encodeSealedDm,
  MAX_RECEIPT_IDS,
  MAX_SEALED_BYTES
} from '../../../protocols/dm/index.ts'
import { DirectMessage, DmContent } from '../../../protocols/dm/pb/dm.ts'
import { idArb, mutatedArb, NOW, nameArb, onlyDecodeErrors, RUNS, randomBytesArb, textArb, tsArb } from './fuzz.ts'

const sealedArb = fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((b) => new Uint8Array(b))
const dmArb = fc.record({ id: idArb, ts: tsArb, senderName: nameArb, text: textArb })

describe('sealed DM frames', () => {
  it('round-trip: only the id travels in the clear', () => {
    fc.assert(
      fc.property(idArb, sealedArb, (id, sealed) => {
        expect(decodeDmFrame(encodeSealedDm(id, sealed), NOW)).toEqual({ kind: 'sealed', id, sealed })
      }),
      { numRuns: RUNS }
    )
  })

  it('tell plain DMs from sealed ones', () => {
    fc.assert(
      fc.property(dmArb, (dm) => {
        expect(decodeDmFrame(encodeDm(dm), NOW)).toEqual({ kind: 'plain', dm })
      }),
      { numRuns: 200 }
    )
  })

  it('refuse a sealed DM that also carries text, a name or a time in the clear, or a bad id', () => {
    const sealed = new Uint8Array([1, 2, 3])
    for (const extra of [{ text: 'leak' }, { senderName: 'alice' }, { timestamp: 5n }, { id: 'bad id' }]) {
      const frame = DirectMessage.encode({ id: 'x1', timestamp: 0n, senderName: '', text: '', sealed, ...extra })
      expect(() => decodeDmFrame(frame, NOW)).toThrow(InvalidMessageError)
    }
  })

  it('refuse an oversized sealed DM with MessageTooLargeError', () => {
    const frame = encodeSealedDm('big', new Uint8Array(MAX_SEALED_BYTES + 1))
    expect(() => decodeDmFrame(frame, NOW)).toThrow(MessageTooLargeError)
  })

  it('throw only decode errors on random and mutated bytes', () => {
    const valid = fc.tuple(idArb, sealedArb).map(([id, sealed]) => encodeSealedDm(id, sealed))
    fc.assert(
      fc.property(fc.oneof(randomBytesArb, mutatedArb(valid)), (bytes) =>
        onlyDecodeErrors(() => decodeDmFrame(bytes, NOW))
      ),
      { numRuns: RUNS }
    )
  })
})

describe('sealed DM contents', () => {
  it('round-trip messages and receipts', () => {
    fc.assert(
      fc.property(dmArb, fc.array(idArb, { minLength: 1, maxLength: 20 }), idArb, (dm, ids, id) => {
        expect(decodeContent(encodeContent({ kind: 'message', dm }), NOW)).toEqual({ kind: 'message', dm })
        const receipt = { kind: 'receipt' as const, id, delivered: ids }
        expect(decodeContent(encodeContent(receipt), NOW)).toEqual(receipt)
      }),
      { numRuns: 200 }
    )
  })

  it('refuse receipts with text, bad ids or too many ids', () => {
    const bad = [
      DmContent.encode({ id: 'r1', text: 'hi', delivered: ['a'] }),
      DmContent.encode({ id: 'r1', delivered: ['not an id'] }),
      DmContent.encode({ id: 'r1', delivered: Array.from({ length: MAX_RECEIPT_IDS + 1 }, (_, i) => `id${i}`) })
    ]
    for (const bytes of bad) {
      expect(() => decodeContent(bytes, NOW)).toThrow(InvalidMessageError)
    }
  })

  it('throw only decode errors on random and mutated bytes', () => {
    const valid = dmArb.map((dm) => encodeContent({ kind: 'message', dm }))
    fc.assert(
      fc.property(fc.oneof(randomBytesArb, mutatedArb(valid)), (bytes) =>
        onlyDecodeErrors(() => decodeContent(bytes, NOW))
      ),
      { numRuns: RUNS }
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import {
  decodeAnnouncement,
  decodeEntryBody,
  decodeGroupFrame,
  decodePost,
  decodeSignedEntry,
  decodeTopicFrame,
  encodeAnnouncement,
  encodeEntryBody,
  encodeEntryFrame,
  encodePost,
  encodePostFrame,
  encodeTopicFrame
} from '../../../protocols/group/codec.ts'
import { MAX_PARENTS } from '../../../protocols/group/constants.ts'
import {
  decodeLogChunk,
  decodeRequest,
  decodeResponse,
  encodeLogChunks,
  encodeRequest,
  encodeResponse
} from '../../../protocols/group/stream-codec.ts'
import { act, addMembers, newGroup, people } from './fixtures.ts'

function isDecodeError(err: unknown): boolean {
  return err instanceof InvalidMessageError || err instanceof MessageTooLargeError
}

/** Runs `decode` on bytes; fails the property if it throws anything but the named decode errors. */
function onlyDecodeErrors(decode: (bytes: Uint8Array) => unknown): (bytes: Uint8Array) => void {
  return (bytes) => {
    try {
      decode(bytes)
    } catch (err) {
      if (!isDecodeError(err)) {
        throw err
      }
    }
  }
}

/** Valid bytes with some bytes changed, cut short or extended. */
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      edits: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      tail: fc.uint8Array({ maxLength: 16 })
    })
    .map(({ edits, cut, tail }) => {
      const out = Uint8Array.from(valid)
      for (const { at, byte } of edits) {
        out[at % out.length] = byte
      }
      const cutAt = cut == null ? out.length : cut % (out.length + 1)
      return Uint8Array.from([...out.subarray(0, cutAt), ...tail])
    })
}

async function samples(): Promise<Record<string, { decode: (b: Uint8Array) => unknown; valid: Uint8Array }>> {
  const all = await people('alice', 'bob', 'carol')
  const [alice, bob, carol] = all
  const log = await newGroup(alice)
  await addMembers(log, alice, [bob, carol], all)
  const removal = await act(log, alice, { kind: 'remove', subject: carol.raw }, all)
  const pub = await newGroup(alice, false, 'open')
  const meta = await act(pub, alice, { kind: 'meta', name: 'open house', description: 'all welcome' })
  const post = encodePost({ groupId: log.state.groupId, id: 'p1', ts: Date.now(), senderName: 'bob', text: 'hi' })
  const signature = new Uint8Array(64).fill(7)
  const chunks = encodeLogChunks(
    log.all().map((e) => e.bytes),
    1024
  )
  return {
    entryBody: { decode: (b) => decodeEntryBody(b), valid: decodeSignedEntry(removal.bytes).body },
    signedEntry: { decode: (b) => decodeSignedEntry(b), valid: removal.bytes },
    post: { decode: (b) => decodePost(b), valid: post },
    entryFrame: { decode: (b) => decodeGroupFrame(b), valid: encodeEntryFrame(removal.bytes) },
    postFrame: { decode: (b) => decodeGroupFrame(b), valid: encodePostFrame(post, signature) },
    plainTopicFrame: {
      decode: (b) => decodeTopicFrame(b),
      valid: encodeTopicFrame({ sealed: false, plain: encodePostFrame(post, signature) })
    },
    sealedTopicFrame: {
      decode: (b) => decodeTopicFrame(b),
      valid: encodeTopicFrame({
        sealed: true,
        keyId: new Uint8Array(16).fill(1),
        nonce: new Uint8Array(24).fill(2),
        ciphertext: new Uint8Array(64).fill(3)
      })
    },
    announcement: { decode: (b) => decodeAnnouncement(b), valid: encodeAnnouncement(pub.genesis.bytes, meta.bytes, 3) },
    request: {
      decode: (b) => decodeRequest(b),
      valid: encodeRequest({
        kind: 'sync',
        groupId: log.state.groupId,
        knownSeq: 2,
        knownId: log.head.id,
        inviteId: new Uint8Array(0)
      })
    },
    response: { decode: (b) => decodeResponse(b), valid: encodeResponse('refused', 'private group') },
    logChunk: { decode: (b) => decodeLogChunk(b), valid: chunks[0] }
  }
}

describe('group codecs', async () => {
  const cases = await samples()

  it('decode their own encodings', () => {
    for (const [name, { decode, valid }] of Object.entries(cases)) {
      expect(() => decode(valid), name).not.toThrow()
    }
  })

  for (const [name, { decode, valid }] of Object.entries(cases)) {
    it(`${name}: random bytes return or throw a decode error, nothing else`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), onlyDecodeErrors(decode)), { numRuns: 300 })
    })

    it(`${name}: mutated valid bytes return or throw a decode error, nothing else`, () => {
      fc.assert(fc.property(mutated(valid), onlyDecodeErrors(decode)), { numRuns: 500 })
    })
  }

  it('refuse oversized input before parsing it', () => {
    const big = new Uint8Array(70 * 1024)
    for (const { decode } of Object.values(cases)) {
      expect(() => decode(big)).toThrow(MessageTooLargeError)
    }
  })

  it('refuse a post with no visible text, or text over the limit, as malformed', async () => {
    const groupId = (await newGroup((await people('a'))[0], false)).state.groupId
    const { Post } = await import('../../../protocols/group/pb/group.ts')
    const blank = Post.encode({ groupId, id: 'x', timestamp: 1n, senderName: 'bob', text: '  ' })
    const long = Post.encode({ groupId, id: 'x', timestamp: 1n, senderName: 'bob', text: 'a'.repeat(5000) })
    expect(() => decodePost(blank)).toThrow(InvalidMessageError)
    expect(() => decodePost(long)).toThrow(MessageTooLargeError)
  })
})

describe('entry parents', () => {
  it('accept parents in ascending order only, at most MAX_PARENTS, none for CREATE', async () => {
    const [alice, bob] = await people('alice', 'bob')
    const log = await newGroup(alice, false)
    const join = await act(log, bob, { kind: 'join', memberName: 'bob' })
    const ids = Array.from({ length: MAX_PARENTS + 1 }, (_, i) => new Uint8Array(32).fill(i + 1))
    const body = (prev: Uint8Array, merges: Uint8Array[]): Uint8Array => encodeEntryBody({ ...join, prev, merges })
    expect(decodeEntryBody(body(ids[0], ids.slice(1, MAX_PARENTS))).merges).toHaveLength(MAX_PARENTS - 1)
    expect(() => decodeEntryBody(body(ids[0], ids.slice(1)))).toThrow(InvalidMessageError)
    expect(() => decodeEntryBody(body(ids[1], [ids[0]]))).toThrow(/bad parents/)
    expect(() => decodeEntryBody(body(ids[1], [ids[1]]))).toThrow(/bad parents/)
    expect(() => decodeEntryBody(body(ids[0], [new Uint8Array(31)]))).toThrow(/bad parents/)
    expect(() => decodeEntryBody(encodeEntryBody({ ...log.genesis, merges: [ids[0]] }))).toThrow(InvalidMessageError)
  })
})

import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeCommand,
  decodeReply,
  decodeRequest,
  encodeCommand,
  encodeReply,
  signRequest
} from '../../../protocols/admin/index.ts'
import { InvalidMessageError, MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { onlyDecodeErrors } from '../protocols/fuzz.ts'

const peerA = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const peerB = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

/** Returns normally or throws one of the named decode errors; anything else fails the property. */
function mutate(bytes: Uint8Array, edits: Array<[number, number]>): Uint8Array {
  const out = Uint8Array.from(bytes)
  for (const [index, value] of edits) {
    if (out.length > 0) {
      out[index % out.length] = value
    }
  }
  return out
}

describe('admin codec', () => {
  it('round-trips a command', () => {
    const body = {
      relay: peerA,
      signer: peerB,
      nonce: new Uint8Array(16).fill(7),
      ts: 1_700_000_000_000,
      command: 'ban',
      args: ['mallory', 'spam']
    }
    expect(decodeCommand(encodeCommand(body))).toEqual(body)
  })

  it('round-trips a reply with rows', () => {
    const reply = {
      ok: true,
      code: '',
      message: '2 users',
      users: [{ peerId: peerA, name: 'alice', online: true, lastSeen: 5n }],
      bans: [{ peerId: peerB, name: 'bob', reason: 'spam', by: peerA, at: 9n }],
      settings: [{ key: 'motd', value: '"hi"', mutable: true }],
      admins: [{ peerId: peerA, addedBy: '', addedAt: 1n }]
    }
    expect(decodeReply(encodeReply(reply))).toEqual(reply)
  })

  it('refuses a refusal without a code', () => {
    expect(() => decodeReply(encodeReply({ ok: false, message: 'no' }))).toThrow(InvalidMessageError)
  })

  it('refuses commands with a short nonce or a bad PeerId', () => {
    const good = { relay: peerA, signer: peerB, nonce: new Uint8Array(16), ts: 1, command: 'users', args: [] }
    expect(() => decodeCommand(encodeCommand({ ...good, nonce: new Uint8Array(2) }))).toThrow(InvalidMessageError)
    const bytes = encodeCommand(good)
    // corrupt the relay PeerId's multihash code (first field's payload)
    expect(() => decodeCommand(mutate(bytes, [[2, 0xff]]))).toThrow(InvalidMessageError)
  })

  it('refuses oversized frames before parsing', () => {
    expect(() => decodeRequest(new Uint8Array(20_000))).toThrow(MessageTooLargeError)
  })

  it('decoders throw only named decode errors on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        return (
          onlyDecodeErrors(() => decodeRequest(bytes)) &&
          onlyDecodeErrors(() => decodeCommand(bytes)) &&
          onlyDecodeErrors(() => decodeReply(bytes))
        )
      }),
      { numRuns: 2000 }
    )
  })

  it('decoders throw only named decode errors on mutated valid frames', async () => {
    const key = await generateKeyPair('Ed25519')
    const frame = await signRequest(key, { relay: peerA, command: 'ban', args: ['mallory', 'flooding the lobby'] })
    const { commandBytes } = decodeRequest(frame)
    const reply = encodeReply({
      ok: true,
      message: 'x',
      users: [{ peerId: peerA, name: 'alice', online: true, lastSeen: 1n }]
    })
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(edits, fc.nat(), (e, cut) => {
        return (
          onlyDecodeErrors(() => decodeRequest(mutate(frame, e))) &&
          onlyDecodeErrors(() => decodeCommand(mutate(commandBytes, e))) &&
          onlyDecodeErrors(() => decodeCommand(commandBytes.subarray(0, cut % commandBytes.length))) &&
          onlyDecodeErrors(() => decodeReply(mutate(reply, e)))
        )
      }),
      { numRuns: 2000 }
    )
  })
})

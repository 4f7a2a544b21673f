import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeBundle,
  decodeEnvelope,
  decodeSession,
  encodeBundle,
  encodeEnvelope,
  encodeSession
} from '../../../protocols/session/codec.ts'
import { InvalidSessionMessageError } from '../../../protocols/session/errors.ts'
import { bundleFrom, createPrekeyStore, publishedPrekeys } from '../../../protocols/session/prekeys.ts'
import { decryptMessage, encryptMessage, startSession } from '../../../protocols/session/session.ts'
import { newIdentity, sessionPair, text } from './helpers.ts'

function mutate(bytes: Uint8Array, cuts: Array<{ at: number; xor: number }>, truncate: number | null): Uint8Array {
  const out = bytes.slice(0, truncate == null ? bytes.length : truncate % (bytes.length + 1))
  for (const { at, xor } of cuts) if (out.length > 0) out[at % out.length] ^= xor
  return out
}

const cutsArb = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 4 })

describe('session codecs', () => {
  const bob = newIdentity()
  const bundle = bundleFrom(publishedPrekeys(bob, createPrekeyStore(bob, Date.now())))
  const { envelope } = encryptMessage(startSession(newIdentity(), bundle), text('hello'))

  it('round-trip envelopes, bundles and sessions', () => {
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope)
    expect(decodeBundle(encodeBundle(bundle))).toEqual(bundle)
  })

  it('a session stored and read back carries on where it was (a restart)', () => {
    let { alice, bob: bobSession } = sessionPair()
    for (let i = 0; i < 3; i++) {
      const out = encryptMessage(alice, text(`m${i}`))
      alice = out.session
      if (i !== 1) bobSession = decryptMessage(bobSession, out.envelope).session
    }
    const restored = decodeSession(encodeSession(bobSession))
    expect(restored).toEqual(bobSession)
    const next = encryptMessage(decodeSession(encodeSession(alice)), text('after restart'))
    expect(decryptMessage(restored, next.envelope).plaintext).toEqual(text('after restart'))
  })

  it('decoders throw InvalidSessionMessageError and nothing else on random and mutated bytes', () => {
    const samples = [encodeEnvelope(envelope), encodeBundle(bundle), encodeSession(sessionPair().bob)]
    const decoders = [decodeEnvelope, decodeBundle, decodeSession]
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2),
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }).map((b) => ({ raw: b })),
          fc.record({ cuts: cutsArb, truncate: fc.option(fc.nat()) })
        ),
        (which, input) => {
          const bytes = 'raw' in input ? input.raw : mutate(samples[which], input.cuts, input.truncate)
          try {
            decoders[which](bytes)
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidSessionMessageError)
          }
        }
      ),
      { numRuns: 500 }
    )
  })

  it('refuses oversized input before decoding it', () => {
    expect(() => decodeEnvelope(new Uint8Array(200_000))).toThrow(/limit/)
    expect(() => decodeBundle(new Uint8Array(10_000))).toThrow(/limit/)
  })
})

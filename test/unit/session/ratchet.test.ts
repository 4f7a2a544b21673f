import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_SKIP, MAX_SKIPPED_KEYS } from '../../../protocols/session/constants.ts'
import { DuplicateMessageError, SessionDecryptError, TooManySkippedError } from '../../../protocols/session/errors.ts'
import { decodeHeader } from '../../../protocols/session/header.ts'
import {
  type RatchetMessage,
  type RatchetState,
  ratchetDecrypt,
  ratchetEncrypt
} from '../../../protocols/session/ratchet.ts'
import { ratchetPair, text } from './helpers.ts'

type Side = 'a' | 'b'
type Op = { kind: 'send'; from: Side } | { kind: 'deliver'; to: Side; pick: number }
interface InFlight {
  message: RatchetMessage
  plaintext: Uint8Array
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom<Side>('a', 'b') }),
  fc.record({ kind: fc.constant('deliver' as const), to: fc.constantFrom<Side>('a', 'b'), pick: fc.nat() })
)

/** Runs a conversation in which every message is delivered once, in any order; checks every plaintext. */
function converse(ops: Op[], finalOrder: number[]): void {
  const { alice, bob, ad } = ratchetPair()
  const states: Record<Side, RatchetState> = { a: alice, b: bob }
  const inbox: Record<Side, InFlight[]> = { a: [], b: [] }
  let bobHasReceived = false
  let counter = 0
  const deliver = (to: Side, pick: number) => {
    const [item] = inbox[to].splice(pick % inbox[to].length, 1)
    const out = ratchetDecrypt(states[to], item.message, ad)
    expect(out.plaintext).toEqual(item.plaintext)
    states[to] = out.state
    bobHasReceived ||= to === 'b'
  }
  for (const op of ops) {
    if (op.kind === 'send' && (op.from === 'a' || bobHasReceived)) {
      const plaintext = text(`m${counter++}`)
      const { state, message } = ratchetEncrypt(states[op.from], plaintext, ad)
      states[op.from] = state
      inbox[op.from === 'a' ? 'b' : 'a'].push({ message, plaintext })
    } else if (op.kind === 'deliver' && inbox[op.to].length > 0) {
      deliver(op.to, op.pick)
    }
  }
  for (const pick of finalOrder) {
    for (const to of ['a', 'b'] as const) {
      if (inbox[to].length > 0) deliver(to, pick)
    }
  }
  for (const to of ['a', 'b'] as const) {
    while (inbox[to].length > 0) deliver(to, 0)
  }
}

describe('Double Ratchet', () => {
  it('decrypts every message, whatever the order of delivery within the bounds', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 40 }), converse), {
      numRuns: 150
    })
  })

  it('rejects a replayed message and stays usable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), (count, which) => {
        let { alice, bob, ad } = ratchetPair()
        const sent: RatchetMessage[] = []
        for (let i = 0; i < count; i++) {
          const out = ratchetEncrypt(alice, text(`m${i}`), ad)
          alice = out.state
          sent.push(out.message)
        }
        for (const m of sent) bob = ratchetDecrypt(bob, m, ad).state
        expect(() => ratchetDecrypt(bob, sent[which % count], ad)).toThrow(DuplicateMessageError)
        const next = ratchetEncrypt(alice, text('after'), ad)
        expect(ratchetDecrypt(bob, next.message, ad).plaintext).toEqual(text('after'))
      })
    )
  })

  it('rejects a tampered or truncated message, leaves the state unchanged, and decrypts the genuine one after', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        fc.boolean(),
        (where, xor, inHeader, truncate) => {
          const { alice, bob, ad } = ratchetPair()
          const { message } = ratchetEncrypt(alice, text('the real one'), ad)
          const part = inHeader ? message.header.slice() : message.ciphertext.slice()
          const changed = truncate ? part.slice(0, where % part.length) : part
          if (!truncate) changed[where % changed.length] ^= xor
          const forged = inHeader ? { ...message, header: changed } : { ...message, ciphertext: changed }
          const before = structuredClone(bob)
          expect(() => ratchetDecrypt(bob, forged, ad)).toThrow()
          expect(bob).toEqual(before)
          expect(ratchetDecrypt(bob, message, ad).plaintext).toEqual(text('the real one'))
        }
      )
    )
  })

  it('refuses a header that jumps more than MAX_SKIP keys ahead, before deriving any', () => {
    const { alice, bob, ad } = ratchetPair()
    const ahead = ratchetEncrypt({ ...alice, ns: MAX_SKIP + 1 }, text('far'), ad)
    expect(decodeHeader(ahead.message.header).n).toBe(MAX_SKIP + 1)
    expect(() => ratchetDecrypt(bob, ahead.message, ad)).toThrow(TooManySkippedError)
    const first = ratchetEncrypt(alice, text('first'), ad)
    expect(ratchetDecrypt(bob, first.message, ad).plaintext).toEqual(text('first'))
  })

  it(`keeps at most ${MAX_SKIPPED_KEYS} skipped keys: the newest skipped messages still open, the oldest no longer`, () => {
    let { alice, bob, ad } = ratchetPair()
    const sent: RatchetMessage[] = []
    const total = MAX_SKIPPED_KEYS + 50
    for (let i = 0; i <= total; i++) {
      const out = ratchetEncrypt(alice, text(`m${i}`), ad)
      alice = out.state
      sent.push(out.message)
    }
    bob = ratchetDecrypt(bob, sent[total], ad).state
    expect(bob.skipped.size).toBe(MAX_SKIPPED_KEYS)
    expect(ratchetDecrypt(bob, sent[total - 1], ad).plaintext).toEqual(text(`m${total - 1}`))
    expect(ratchetDecrypt(bob, sent[50], ad).plaintext).toEqual(text('m50'))
    expect(() => ratchetDecrypt(bob, sent[49], ad)).toThrow(DuplicateMessageError)
  })

  it('forward secrecy: state captured now decrypts none of the messages it already received', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (fromAlice) => {
        let { alice, bob, ad } = ratchetPair()
        const toBob: RatchetMessage[] = []
        let bobCanSend = false
        for (const a of [true, ...fromAlice]) {
          if (a || !bobCanSend) {
            const out = ratchetEncrypt(alice, text('to bob'), ad)
            alice = out.state
            bob = ratchetDecrypt(bob, out.message, ad).state
            toBob.push(out.message)
            bobCanSend = true
          } else {
            const out = ratchetEncrypt(bob, text('to alice'), ad)
            bob = out.state
            alice = ratchetDecrypt(alice, out.message, ad).state
          }
        }
        const captured = structuredClone(bob)
        for (const m of toBob) {
          expect(() => ratchetDecrypt(captured, m, ad)).toThrow()
        }
      }),
      { numRuns: 50 }
    )
  })

  it('post-compromise security: after one round trip, captured state decrypts none of the later messages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (later) => {
        let { alice, bob, ad } = ratchetPair()
        const step = (from: 'alice' | 'bob', s: string) => {
          const out = ratchetEncrypt(from === 'alice' ? alice : bob, text(s), ad)
          if (from === 'alice') {
            alice = out.state
            bob = ratchetDecrypt(bob, out.message, ad).state
          } else {
            bob = out.state
            alice = ratchetDecrypt(alice, out.message, ad).state
          }
          return out.message
        }
        step('alice', 'hi')
        // The attacker copies Bob's whole state, then sees every message and feeds it to the copy.
        let attacker = structuredClone(bob)
        const observe = (m: RatchetMessage) => {
          try {
            attacker = ratchetDecrypt(attacker, m, ad).state
            return true
          } catch (err) {
            expect(err).toBeInstanceOf(SessionDecryptError)
            return false
          }
        }
        step('bob', 'reply')
        // Alice's next message still uses Bob's compromised ratchet key: healing takes the round trip.
        expect(observe(step('alice', 'before healing'))).toBe(true)
        step('bob', 'round trip done')
        for (let i = 0; i < later; i++) {
          expect(observe(step('alice', `later ${i}`))).toBe(false)
        }
      }),
      { numRuns: 20 }
    )
  })
})

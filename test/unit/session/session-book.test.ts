import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeSession, encodeSession } from '../../../protocols/session/codec.ts'
import { InvalidSessionMessageError } from '../../../protocols/session/errors.ts'
import { decodePrekeyStore, encodePrekeyStore } from '../../../protocols/session/prekey-codec.ts'
import { bundleFrom, createPrekeyStore, publishedPrekeys } from '../../../protocols/session/prekeys.ts'
import { SessionBook } from '../../../protocols/session/session-book.ts'
import { newIdentity, text } from './helpers.ts'

function account() {
  const identity = newIdentity()
  const book = new SessionBook(identity, createPrekeyStore(identity, Date.now()))
  return { identity, book, bundle: () => bundleFrom(publishedPrekeys(identity, book.prekeys)) }
}

describe('SessionBook', () => {
  it('converges after both sides start a session at once, whatever the order of delivery', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 2, maxLength: 16 }),
        fc.array(fc.nat(), { maxLength: 16 }),
        (who, picks) => {
          const a = account()
          const b = account()
          const inbox = {
            a: [] as Array<{ sealed: Uint8Array; text: string }>,
            b: [] as Array<{ sealed: Uint8Array; text: string }>
          }
          const send = (from: typeof a, to: typeof a, box: (typeof inbox)['a'], n: number) => {
            const t = `m${n}`
            box.push({ sealed: from.book.encrypt(to.identity.publicKey, text(t), to.bundle()).sealed, text: t })
          }
          // both open a session before hearing from the other
          send(a, b, inbox.b, -1)
          send(b, a, inbox.a, -2)
          who.forEach((aSends, n) => {
            if (aSends) send(a, b, inbox.b, n)
            else send(b, a, inbox.a, n)
            const pick = picks[n] ?? 0
            for (const [me, box] of [
              [a, inbox.a],
              [b, inbox.b]
            ] as const) {
              if (box.length > 0 && pick % 3 !== 0) {
                const [m] = box.splice(pick % box.length, 1)
                expect(new TextDecoder().decode(me.book.decrypt(m.sealed).plaintext)).toBe(m.text)
              }
            }
          })
          for (const [me, box] of [
            [a, inbox.a],
            [b, inbox.b]
          ] as const) {
            for (const m of box.splice(0)) {
              expect(new TextDecoder().decode(me.book.decrypt(m.sealed).plaintext)).toBe(m.text)
            }
          }
        }
      ),
      { numRuns: 15 }
    )
  })

  it('carries on after both sides restart from their stored records', () => {
    const a = account()
    const b = account()
    const first = a.book.encrypt(b.identity.publicKey, text('one'), b.bundle())
    const opened = b.book.decrypt(first.sealed)
    expect(opened.dirty).toEqual({ peer: Buffer.from(a.identity.publicKey).toString('hex'), prekeys: true })
    const restore = (acct: typeof a, peer: Uint8Array) => {
      const hex = Buffer.from(peer).toString('hex')
      const sessions = acct.book.sessionsOf(hex).map((s) => decodeSession(encodeSession(s)))
      return new SessionBook(acct.identity, decodePrekeyStore(encodePrekeyStore(acct.book.prekeys)), [[hex, sessions]])
    }
    const a2 = restore(a, b.identity.publicKey)
    const b2 = restore(b, a.identity.publicKey)
    expect(b2.decrypt(a2.encrypt(b.identity.publicKey, text('two')).sealed).plaintext).toEqual(text('two'))
    expect(a2.decrypt(b2.encrypt(a.identity.publicKey, text('three')).sealed).plaintext).toEqual(text('three'))
  })

  it('a message that does not open changes nothing, and a replay is refused', () => {
    const a = account()
    const b = account()
    const m1 = a.book.encrypt(b.identity.publicKey, text('one'), b.bundle()).sealed
    b.book.decrypt(m1)
    const m2 = a.book.encrypt(b.identity.publicKey, text('two')).sealed
    const bad = m2.slice()
    bad[bad.length - 1] ^= 1
    const prekeysBefore = b.book.prekeys
    expect(() => b.book.decrypt(bad)).toThrow()
    expect(() => b.book.decrypt(m1)).toThrow()
    expect(b.book.prekeys).toBe(prekeysBefore)
    expect(b.book.decrypt(m2).plaintext).toEqual(text('two'))
  })

  it('rollback() puts back exactly what the calls since begin() changed, whatever they were', () => {
    const hex = (id: Uint8Array) => Buffer.from(id).toString('hex')
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a-sends', 'b-sends', 'c-sends', 'forget-a'), { maxLength: 6 }),
        fc.array(fc.constantFrom('a-sends', 'b-sends', 'c-sends', 'forget-a'), { minLength: 1, maxLength: 6 }),
        (before, during) => {
          const me = account()
          const others = { a: account(), b: account(), c: account() }
          const run = (step: string) => {
            if (step === 'forget-a') {
              me.book.forget(others.a.identity.publicKey)
              return
            }
            const from = others[step[0] as 'a' | 'b' | 'c']
            const sealed = from.book.encrypt(me.identity.publicKey, text(step), me.bundle()).sealed
            try {
              me.book.decrypt(sealed)
            } catch {
              // after forget-a, a's next message names a prekey already used: refused, and it changes nothing
            }
          }
          const snapshot = () => ({
            prekeys: me.book.prekeys,
            sessions: Object.values(others).map((o) => me.book.sessionsOf(hex(o.identity.publicKey)))
          })
          before.forEach(run)
          const kept = snapshot()
          me.book.begin()
          during.forEach(run)
          me.book.rollback()
          const after = snapshot()
          expect(after.prekeys).toBe(kept.prekeys)
          expect(after.sessions).toStrictEqual(kept.sessions)
        }
      ),
      { numRuns: 25 }
    )
  })

  it('the prekey record decoder throws InvalidSessionMessageError only', () => {
    const bytes = encodePrekeyStore(account().book.prekeys)
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.option(fc.nat()), (at, xor, cut) => {
        const bad = bytes.slice(0, cut == null ? bytes.length : cut % bytes.length)
        if (bad.length > 0) bad[at % bad.length] ^= xor
        try {
          decodePrekeyStore(bad)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidSessionMessageError)
        }
      }),
      { numRuns: 300 }
    )
  })
})

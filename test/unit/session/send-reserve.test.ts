import { bytesToHex } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeSession, encodeSession } from '../../../protocols/session/codec.ts'
import { SEND_KEY_RESERVE } from '../../../protocols/session/constants.ts'
import { decodeHeader } from '../../../protocols/session/header.ts'
import type { SessionIdentity } from '../../../protocols/session/identity.ts'
import { decodePrekeyStore, encodePrekeyStore } from '../../../protocols/session/prekey-codec.ts'
import {
  bundleFrom,
  createPrekeyStore,
  type PrekeyStore,
  publishedPrekeys
} from '../../../protocols/session/prekeys.ts'
import { unseal } from '../../../protocols/session/sealed.ts'
import { SessionBook } from '../../../protocols/session/session-book.ts'
import { newIdentity, text } from './helpers.ts'

/**
 * One account as EndToEnd runs it, with a disk: after every call, what `dirty` names is written (EndToEnd returns
 * nothing before that write is done), and a crash rebuilds the book from what was written, losing the rest.
 */
class Account {
  book: SessionBook
  writes = 0
  private disk: { prekeys: Uint8Array; peers: Map<string, Uint8Array[]> }

  /** `keys`: an identity and its prekeys, made once and shared by runs (making them is the slow part) */
  constructor(
    keys: { identity: SessionIdentity; prekeys: PrekeyStore } = newKeys(),
    readonly identity = keys.identity
  ) {
    this.book = new SessionBook(this.identity, keys.prekeys)
    this.disk = { prekeys: encodePrekeyStore(this.book.prekeys), peers: new Map() }
  }

  bundle() {
    return bundleFrom(publishedPrekeys(this.identity, this.book.prekeys))
  }

  store(dirty: { peer?: string; prekeys: boolean }): void {
    if (dirty.prekeys) this.disk.prekeys = encodePrekeyStore(this.book.prekeys)
    if (dirty.peer != null) {
      this.writes++
      this.disk.peers.set(dirty.peer, this.book.sessionsOf(dirty.peer).map(encodeSession))
    }
  }

  crash(): void {
    const sessions = [...this.disk.peers].map(([peer, records]): [string, ReturnType<typeof decodeSession>[]] => [
      peer,
      records.map(decodeSession)
    ])
    this.book = new SessionBook(this.identity, decodePrekeyStore(this.disk.prekeys), sessions)
  }
}

function newKeys(): { identity: SessionIdentity; prekeys: PrekeyStore } {
  const identity = newIdentity()
  return { identity, prekeys: createPrekeyStore(identity, Date.now()) }
}

/** Sends one message, recording the (chain, index) of the key it used: a key serving twice fails the test. */
function send(from: Account, to: Account, used: Set<string>, body: string, bundle = false): Uint8Array {
  const { sealed, dirty } = from.book.encrypt(to.identity.publicKey, text(body), bundle ? to.bundle() : undefined)
  from.store(dirty)
  const header = decodeHeader(unseal(to.identity, sealed).envelope.message.header)
  const key = `${bytesToHex(header.dh)}:${header.n}`
  expect(used.has(key), `message key ${key} used twice`).toBe(false)
  used.add(key)
  return sealed
}

function receive(me: Account, sealed: Uint8Array): string {
  const opened = me.book.decrypt(sealed)
  me.store(opened.dirty)
  return new TextDecoder().decode(opened.plaintext)
}

describe('sending keys reserved ahead', () => {
  it('a run of sends writes the session once per reserve, not once per message', () => {
    const alice = new Account()
    const bob = new Account()
    const used = new Set<string>()
    const first = send(alice, bob, used, 'hello', true)
    expect(receive(bob, first)).toBe('hello')
    // bob's reply comes from the reserve his receive stored: no write of its own
    const writes = bob.writes
    expect(receive(alice, send(bob, alice, used, 'hi'))).toBe('hi')
    expect(bob.writes).toBe(writes)
    const before = alice.writes
    const count = 3 * SEND_KEY_RESERVE
    for (let i = 0; i < count; i++) {
      expect(receive(bob, send(alice, bob, used, `m${i}`))).toBe(`m${i}`)
    }
    // alice's receive of "hi" reserved the new chain; each write after that reserves the next SEND_KEY_RESERVE keys
    expect(alice.writes - before).toBeGreaterThan(0)
    expect(alice.writes - before).toBeLessThan(count / SEND_KEY_RESERVE)
  })

  it('a crash skips the rest of the reserve: no key serves twice and every message still opens', () => {
    const aliceKeys = newKeys()
    const bobKeys = newKeys()
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'crash-a', 'crash-b', 'deliver-a', 'deliver-b'), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (steps, picks) => {
          const alice = new Account(aliceKeys)
          const bob = new Account(bobKeys)
          const used = new Set<string>()
          const inbox = { a: [] as Array<[Uint8Array, string]>, b: [] as Array<[Uint8Array, string]> }
          const first = send(alice, bob, used, 'start', true)
          expect(receive(bob, first)).toBe('start')
          const deliver = (me: Account, box: Array<[Uint8Array, string]>, pick: number) => {
            if (box.length === 0) return
            const [[sealed, body]] = box.splice(pick % box.length, 1)
            expect(receive(me, sealed)).toBe(body)
          }
          steps.forEach((step, i) => {
            const pick = picks[i] ?? 0
            if (step === 'a') inbox.b.push([send(alice, bob, used, `a${i}`), `a${i}`])
            if (step === 'b') inbox.a.push([send(bob, alice, used, `b${i}`), `b${i}`])
            if (step === 'crash-a') alice.crash()
            if (step === 'crash-b') bob.crash()
            if (step === 'deliver-a') deliver(alice, inbox.a, pick)
            if (step === 'deliver-b') deliver(bob, inbox.b, pick)
          })
          for (const [sealed, body] of inbox.a.splice(0)) expect(receive(alice, sealed)).toBe(body)
          for (const [sealed, body] of inbox.b.splice(0)) expect(receive(bob, sealed)).toBe(body)
        }
      ),
      { numRuns: 40 }
    )
  })

  it('a message received before a crash is refused after it: the receive was stored before it returned', () => {
    const alice = new Account()
    const bob = new Account()
    const used = new Set<string>()
    expect(receive(bob, send(alice, bob, used, 'start', true))).toBe('start')
    const m = send(alice, bob, used, 'once')
    expect(receive(bob, m)).toBe('once')
    bob.crash()
    expect(() => receive(bob, m)).toThrow()
  })
})

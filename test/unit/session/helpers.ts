import { identityFromSeed, type SessionIdentity } from '../../../protocols/session/identity.ts'
import {
  bundleFrom,
  createPrekeyStore,
  type PrekeyStore,
  publishedPrekeys
} from '../../../protocols/session/prekeys.ts'
import { generateDh, initAlice, initBob, type RatchetState } from '../../../protocols/session/ratchet.ts'
import { acceptSession, encryptMessage, type Session, startSession } from '../../../protocols/session/session.ts'

const te = new TextEncoder()
export const text = (s: string) => new Uint8Array(te.encode(s))

export function newIdentity(): SessionIdentity {
  return identityFromSeed(crypto.getRandomValues(new Uint8Array(32)))
}

/** Two ratchet states that share a secret, as PQXDH leaves them: Alice can send, Bob can once he has received. */
export function ratchetPair(): { alice: RatchetState; bob: RatchetState; ad: Uint8Array<ArrayBuffer> } {
  const sk = crypto.getRandomValues(new Uint8Array(32))
  const bobPrekey = generateDh()
  return { alice: initAlice(sk, bobPrekey.publicKey), bob: initBob(sk, bobPrekey), ad: text('alice-key|bob-key') }
}

/** Two started sessions: Alice opened one from Bob's published prekeys and Bob accepted her first message. */
export function sessionPair(): { alice: Session; bob: Session; bobStore: PrekeyStore } {
  const aliceId = newIdentity()
  const bobId = newIdentity()
  const store = createPrekeyStore(bobId, Date.now())
  const started = startSession(aliceId, bundleFrom(publishedPrekeys(bobId, store)))
  const first = encryptMessage(started, text('hello'))
  const accepted = acceptSession(bobId, store, first.envelope)
  return { alice: first.session, bob: accepted.session, bobStore: accepted.store }
}

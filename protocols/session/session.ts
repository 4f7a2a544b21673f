/**
 * A session with one peer: PQXDH to start it, the Double Ratchet to run it. The initiator attaches PQXDH's
 * initial-message fields to every message until the first answer decrypts (so that any of them can start the
 * session at the other end, whichever arrives first); the responder recognises later ones by their base key.
 */
import { equalBytes } from '@noble/ciphers/utils.js'
import type { Bytes } from './constants.ts'
import { InvalidPrekeyError } from './errors.ts'
import type { SessionIdentity } from './identity.ts'
import { initiate, type PrekeyHeader, respond } from './pqxdh.ts'
import { consumePrekeys, findResponderKeys, type PrekeyBundle, type PrekeyStore } from './prekeys.ts'
import {
  initAlice,
  initBob,
  type RatchetMessage,
  type RatchetState,
  ratchetDecrypt,
  ratchetEncrypt
} from './ratchet.ts'

export interface Session {
  /** The peer's Ed25519 identity key. */
  remoteIdentity: Bytes
  /** PQXDH's AD: the initiator's identity key, then the responder's. */
  associatedData: Bytes
  /** EKA, the initiator's ephemeral key: names the session on both sides. */
  baseKey: Bytes
  /** Set on the initiator until the responder's first message decrypts. */
  pendingPrekey?: PrekeyHeader
  ratchet: RatchetState
}

/** One end-to-end encrypted message as it travels. */
export interface Envelope {
  prekey?: PrekeyHeader
  message: RatchetMessage
}

/** Starts a session from someone's prekey bundle (verified here); nothing is sent yet. */
export function startSession(me: SessionIdentity, bundle: PrekeyBundle): Session {
  const { sharedKey, associatedData, prekeyHeader } = initiate(me, bundle)
  return {
    remoteIdentity: bundle.identityKey,
    associatedData,
    baseKey: prekeyHeader.ephemeralKey,
    pendingPrekey: prekeyHeader,
    ratchet: initAlice(sharedKey, bundle.signedPrekey.publicKey)
  }
}

export function encryptMessage(session: Session, plaintext: Bytes): { session: Session; envelope: Envelope } {
  const { state, message } = ratchetEncrypt(session.ratchet, plaintext, session.associatedData)
  const envelope: Envelope = session.pendingPrekey != null ? { prekey: session.pendingPrekey, message } : { message }
  return { session: { ...session, ratchet: state }, envelope }
}

/** Decrypts within an existing session; the session given is unchanged when this throws. */
export function decryptMessage(session: Session, envelope: Envelope): { session: Session; plaintext: Bytes } {
  const { state, plaintext } = ratchetDecrypt(session.ratchet, envelope.message, session.associatedData)
  const { pendingPrekey: _answered, ...rest } = session
  return { session: { ...rest, ratchet: state }, plaintext }
}

/** True when a prekey envelope belongs to this session (a repeat of its initial message fields). */
export function isSameSession(session: Session, envelope: Envelope): boolean {
  return envelope.prekey != null && equalBytes(envelope.prekey.ephemeralKey, session.baseKey)
}

/**
 * The responder's side of a new session: derives SK from the prekeys the envelope names, decrypts the message,
 * and only then returns the store without the one-time prekeys used. Throws InvalidPrekeyError or a decrypt error;
 * the store given is unchanged then.
 */
export function acceptSession(
  me: SessionIdentity,
  store: PrekeyStore,
  envelope: Envelope
): { session: Session; plaintext: Bytes; store: PrekeyStore } {
  if (envelope.prekey == null) {
    throw new InvalidPrekeyError('no session with this peer, and the message does not start one')
  }
  const keys = findResponderKeys(store, envelope.prekey)
  const { sharedKey, associatedData } = respond(me, keys, envelope.prekey)
  const ratchet = initBob(sharedKey, { secretKey: keys.signed.secretKey, publicKey: keys.signed.publicKey })
  const opened = ratchetDecrypt(ratchet, envelope.message, associatedData)
  const session: Session = {
    remoteIdentity: envelope.prekey.identityKey,
    associatedData,
    baseKey: envelope.prekey.ephemeralKey,
    ratchet: opened.state
  }
  return { session, plaintext: opened.plaintext, store: consumePrekeys(store, keys) }
}

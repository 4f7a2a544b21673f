/**
 * A session with one peer: PQXDH to start it, the Double Ratchet to run it. The initiator attaches PQXDH's
 * initial-message fields to every message until the first answer decrypts (so that any of them can start the
 * session at the other end, whichever arrives first); the responder recognises later ones by their base key.
 */
import { equalBytes } from '@noble/ciphers/utils.js'
import { type Bytes, SEND_KEY_RESERVE } from './constants.ts'
import { InvalidPrekeyError } from './errors.ts'
import type { SessionIdentity } from './identity.ts'
import { initiate, type PrekeyHeader, respond } from './pqxdh.ts'
import { consumePrekeys, findResponderKeys, type PrekeyBundle, type PrekeyStore } from './prekeys.ts'
import {
  advanceSending,
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
  /**
   * In memory only: the sending chain as the stored record holds it, ahead of `ratchet`'s (see SEND_KEY_RESERVE).
   * Keys before `ns` may serve without a write; a restart resumes at `ns`, past every key that may have served.
   */
  sendReserve?: SendReserve
}

/** A reserved stretch of one sending chain, named by our ratchet public key of that chain. */
export interface SendReserve {
  dhs: Bytes
  ns: number
  cks: Bytes
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

/** True when the next message's key lies within the stored reserve: it may serve before anything is written. */
export function sendsWithinReserve(session: Session): boolean {
  const reserve = session.sendReserve
  return reserve != null && equalBytes(reserve.dhs, session.ratchet.dhs.publicKey) && session.ratchet.ns < reserve.ns
}

/**
 * Reserves the next `count` keys of the sending chain: the session to store before any of them serves. A session
 * with no sending chain yet (a responder before its first message in) is returned as it is.
 */
export function reserveSending(session: Session, count = SEND_KEY_RESERVE): Session {
  const ahead = advanceSending(session.ratchet, count)
  if (ahead.cks == null || ahead === session.ratchet) {
    return session
  }
  return { ...session, sendReserve: { dhs: session.ratchet.dhs.publicKey, ns: ahead.ns, cks: ahead.cks } }
}

/**
 * The session as its record stores it: the sending chain at the end of its reserve. Without a reserve for the
 * current chain (a DH ratchet step replaced it) the state itself is stored, which is as safe: every key it used
 * lies before its `ns`. A used-up reserve (never stored: sending past it stores a new one first) is ignored alike.
 */
export function storedForm(session: Session): Session {
  const { sendReserve: reserve, ...rest } = session
  if (reserve == null || !equalBytes(reserve.dhs, session.ratchet.dhs.publicKey) || reserve.ns < session.ratchet.ns) {
    return rest
  }
  return { ...rest, ratchet: { ...session.ratchet, cks: reserve.cks, ns: reserve.ns } }
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

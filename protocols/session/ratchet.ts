/**
 * The Double Ratchet (https://signal.org/docs/specifications/doubleratchet/), section 3 with the header
 * encryption of section 4 left out (sealed sender hides who talks to whom one layer up). Functions are pure:
 * each returns a new state and never changes the one it was given, so a message that fails to decrypt leaves
 * the session exactly as it was ("changes to the state object are discarded", section 3.5), and the caller
 * forgets old states to get forward secrecy.
 */

import { bytesToHex, equalBytes } from '@noble/ciphers/utils.js'
import { type Bytes, MAX_PLAINTEXT_BYTES, MAX_SKIP, MAX_SKIPPED_KEYS } from './constants.ts'
import { DuplicateMessageError, SessionDecryptError, TooManySkippedError } from './errors.ts'
import { concatAd, decodeHeader, encodeHeader, type Header } from './header.ts'
import { decrypt, encrypt, kdfCk, kdfRk } from './kdf.ts'
import { ephemeralSharedSecret, publicKeyOf, randomSecretKey, sharedSecret } from './x25519.ts'

/** An X25519 key pair. */
export interface DhKeyPair {
  secretKey: Bytes
  publicKey: Bytes
}

/** The state variables of section 3.2, named as there. */
export interface RatchetState {
  /** DHs: our current ratchet key pair. */
  readonly dhs: DhKeyPair
  /** DHr: their current ratchet public key, if we have received one. */
  readonly dhr?: Bytes
  readonly rk: Bytes
  readonly cks?: Bytes
  readonly ckr?: Bytes
  readonly ns: number
  readonly nr: number
  readonly pn: number
  /** MKSKIPPED: message keys of skipped messages by `${hex(dh)}:${n}`, oldest first. */
  readonly skipped: ReadonlyMap<string, Bytes>
}

/** One encrypted message: the encoded header (sent in the clear) and the ciphertext. */
export interface RatchetMessage {
  header: Bytes
  ciphertext: Bytes
}

/** Working copy used inside one operation; committed only when the operation succeeds. */
type Draft = { -readonly [K in keyof RatchetState]: RatchetState[K] } & { skipped: Map<string, Bytes> }

export function generateDh(): DhKeyPair {
  const secretKey = randomSecretKey()
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

/** DH(dh_pair, dh_pub); refuses an all-zero output, which only a low-order (malicious) public key gives. */
export function dh(pair: DhKeyPair, publicKey: Bytes): Bytes {
  let shared: Bytes
  try {
    shared = sharedSecret(pair.secretKey, publicKey)
  } catch {
    throw new SessionDecryptError('invalid ratchet public key')
  }
  if (shared.every((b) => b === 0)) {
    throw new SessionDecryptError('ratchet public key has low order')
  }
  return shared
}

/** A one-time key pair's public key and its DH with `publicKey` (a peer's identity key), checked like dh(). */
export function ephemeralDh(publicKey: Bytes): { publicKey: Bytes; shared: Bytes } {
  let out: { publicKey: Bytes; shared: Bytes }
  try {
    out = ephemeralSharedSecret(publicKey)
  } catch {
    throw new SessionDecryptError('invalid public key')
  }
  if (out.shared.every((b) => b === 0)) {
    throw new SessionDecryptError('public key has low order')
  }
  return out
}

/** RatchetInitAlice: the initiator knows the shared secret and the responder's signed prekey. */
export function initAlice(sharedKey: Bytes, bobPublicKey: Bytes, dhs: DhKeyPair = generateDh()): RatchetState {
  const { rootKey, chainKey } = kdfRk(sharedKey, dh(dhs, bobPublicKey))
  return { dhs, dhr: bobPublicKey, rk: rootKey, cks: chainKey, ns: 0, nr: 0, pn: 0, skipped: new Map() }
}

/** RatchetInitBob: the responder starts from the shared secret and its signed prekey pair. */
export function initBob(sharedKey: Bytes, bobKeyPair: DhKeyPair): RatchetState {
  return { dhs: bobKeyPair, rk: sharedKey, ns: 0, nr: 0, pn: 0, skipped: new Map() }
}

/** RatchetEncrypt. A responder can send only after it has received a message (it has no sending chain before). */
export function ratchetEncrypt(
  state: RatchetState,
  plaintext: Bytes,
  associatedData: Bytes
): { state: RatchetState; message: RatchetMessage } {
  if (state.cks == null) {
    throw new SessionDecryptError('no sending chain yet: the session was not started by a received message')
  }
  if (plaintext.byteLength > MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`plaintext is ${plaintext.byteLength} bytes, the limit is ${MAX_PLAINTEXT_BYTES}`)
  }
  const { chainKey, messageKey } = kdfCk(state.cks)
  const header = encodeHeader({ dh: state.dhs.publicKey, pn: state.pn, n: state.ns })
  const ciphertext = encrypt(messageKey, plaintext, concatAd(associatedData, header))
  return { state: { ...state, cks: chainKey, ns: state.ns + 1 }, message: { header, ciphertext } }
}

/** The sending chain `count` keys further on, the keys in between derived and dropped (never used for a message). */
export function advanceSending(state: RatchetState, count: number): RatchetState {
  if (state.cks == null) {
    return state
  }
  let chainKey = state.cks
  for (let i = 0; i < count; i++) {
    chainKey = kdfCk(chainKey).chainKey
  }
  return { ...state, cks: chainKey, ns: state.ns + count }
}

/** RatchetDecrypt; throws SessionDecryptError, DuplicateMessageError or TooManySkippedError, state untouched. */
export function ratchetDecrypt(
  state: RatchetState,
  message: RatchetMessage,
  associatedData: Bytes
): { state: RatchetState; plaintext: Bytes } {
  const header = decodeHeader(message.header)
  const ad = concatAd(associatedData, message.header)
  const draft: Draft = { ...state, skipped: new Map(state.skipped) }
  const skippedKey = draft.skipped.get(skippedId(header.dh, header.n))
  if (skippedKey != null) {
    const plaintext = decrypt(skippedKey, message.ciphertext, ad)
    draft.skipped.delete(skippedId(header.dh, header.n))
    return { state: draft, plaintext }
  }
  const sameChain = draft.dhr != null && equalBytes(header.dh, draft.dhr)
  if (sameChain && header.n < draft.nr) {
    throw new DuplicateMessageError(`message ${header.n} of this chain was already received`)
  }
  if (!sameChain) {
    skipMessageKeys(draft, header.pn)
    dhRatchet(draft, header)
  }
  skipMessageKeys(draft, header.n)
  if (draft.ckr == null) {
    throw new SessionDecryptError('no receiving chain')
  }
  const { chainKey, messageKey } = kdfCk(draft.ckr)
  const plaintext = decrypt(messageKey, message.ciphertext, ad)
  draft.ckr = chainKey
  draft.nr += 1
  return { state: draft, plaintext }
}

function skippedId(dhPublic: Bytes, n: number): string {
  return `${bytesToHex(dhPublic)}:${n}`
}

/** SkipMessageKeys, with MAX_SKIP checked first and the store capped at MAX_SKIPPED_KEYS (oldest dropped). */
function skipMessageKeys(draft: Draft, until: number): void {
  if (draft.nr + MAX_SKIP < until) {
    throw new TooManySkippedError(`header skips ${until - draft.nr} messages, at most ${MAX_SKIP} may be skipped`)
  }
  if (draft.ckr == null || draft.dhr == null) {
    return
  }
  let chainKey = draft.ckr
  while (draft.nr < until) {
    const next = kdfCk(chainKey)
    draft.skipped.set(skippedId(draft.dhr, draft.nr), next.messageKey)
    chainKey = next.chainKey
    draft.nr += 1
  }
  draft.ckr = chainKey
  for (const id of draft.skipped.keys()) {
    if (draft.skipped.size <= MAX_SKIPPED_KEYS) {
      break
    }
    draft.skipped.delete(id)
  }
}

/** DHRatchet: a new receiving chain from their new key, then a new sending chain from a fresh key pair of ours. */
function dhRatchet(draft: Draft, header: Header): void {
  draft.pn = draft.ns
  draft.ns = 0
  draft.nr = 0
  draft.dhr = header.dh
  const receiving = kdfRk(draft.rk, dh(draft.dhs, draft.dhr))
  draft.dhs = generateDh()
  const sending = kdfRk(receiving.rootKey, dh(draft.dhs, draft.dhr))
  draft.rk = sending.rootKey
  draft.ckr = receiving.chainKey
  draft.cks = sending.chainKey
}

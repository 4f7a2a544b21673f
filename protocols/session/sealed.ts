/**
 * Sealed sender: a session envelope wrapped so that only its recipient learns who sent it (the idea of Signal's
 * sealed sender). The sender encrypts `sender identity key || envelope` to the recipient's identity key with a
 * fresh X25519 key (ECIES: DH, HKDF-SHA256, XChaCha20-Poly1305). A relay holding the mail sees the recipient and
 * the size, nothing else. The sender is authenticated by the session inside, not by this layer: the recipient
 * opens the envelope with the session of the sender it names, whose AD binds both identity keys, and a prekey
 * message must name the same identity key as the seal.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { decodeEnvelope, encodeEnvelope } from './codec.ts'
import { type Bytes, KEY_BYTES } from './constants.ts'
import { InvalidSessionMessageError, SessionDecryptError } from './errors.ts'
import { identityDh, identityDhPublic, type SessionIdentity } from './identity.ts'
import { dh, ephemeralDh } from './ratchet.ts'
import type { Envelope } from './session.ts'

const SEAL_INFO = utf8ToBytes('p2pchat_SealedSender_X25519_XChaCha20Poly1305')
const NONCE_BYTES = 24
const ED25519_KEY_BYTES = 32

/** Bytes a seal adds: the ephemeral key, the nonce, the sender's identity key and the AEAD tag. */
export const SEAL_OVERHEAD = KEY_BYTES + NONCE_BYTES + ED25519_KEY_BYTES + 16

function sealKey(shared: Uint8Array, ephemeral: Uint8Array, recipientX: Uint8Array): Bytes {
  return hkdf(sha256, shared, concatBytes(ephemeral, recipientX), SEAL_INFO, KEY_BYTES)
}

/** Wraps an envelope for `recipientIdentity` (an Ed25519 public key), naming us inside only. */
export function seal(sender: SessionIdentity, recipientIdentity: Uint8Array, envelope: Envelope): Bytes {
  const recipientX = identityDhPublic(recipientIdentity)
  const ephemeral = ephemeralDh(recipientX)
  const key = sealKey(ephemeral.shared, ephemeral.publicKey, recipientX)
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const aad = concatBytes(ephemeral.publicKey, recipientIdentity)
  const body = xchacha20poly1305(key, nonce, aad).encrypt(concatBytes(sender.publicKey, encodeEnvelope(envelope)))
  return concatBytes(ephemeral.publicKey, nonce, body)
}

/** Opens a sealed envelope addressed to us: who it claims to be from, and the session envelope. */
export function unseal(me: SessionIdentity, sealed: Uint8Array): { sender: Bytes; envelope: Envelope } {
  if (sealed.byteLength < SEAL_OVERHEAD) {
    throw new InvalidSessionMessageError('sealed envelope too short')
  }
  const ephemeral = sealed.slice(0, KEY_BYTES)
  const nonce = sealed.slice(KEY_BYTES, KEY_BYTES + NONCE_BYTES)
  const mine = identityDh(me)
  let plain: Uint8Array
  try {
    const key = sealKey(dh(mine, ephemeral), ephemeral, mine.publicKey)
    plain = xchacha20poly1305(key, nonce, concatBytes(ephemeral, me.publicKey)).decrypt(
      sealed.subarray(KEY_BYTES + NONCE_BYTES)
    )
  } catch {
    throw new SessionDecryptError('sealed envelope is not for us, or was changed')
  }
  const sender = plain.slice(0, ED25519_KEY_BYTES)
  const envelope = decodeEnvelope(plain.subarray(ED25519_KEY_BYTES))
  if (envelope.prekey != null && !equalBytes(envelope.prekey.identityKey, sender)) {
    throw new SessionDecryptError('the seal and the session name different senders')
  }
  return { sender, envelope }
}

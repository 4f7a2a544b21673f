/** Wire and storage encodings of sessions; decoders take untrusted bytes and throw InvalidSessionMessageError only. */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { type Bytes, HEADER_BYTES, KEY_BYTES, MAX_CIPHERTEXT_BYTES, MAX_SKIPPED_KEYS } from './constants.ts'
import { InvalidSessionMessageError } from './errors.ts'
import {
  type RatchetStateRecord,
  SessionEnvelope,
  SessionRecord,
  PrekeyBundle as WireBundle,
  type PrekeyHeader as WirePrekeyHeader
} from './pb/session.ts'
import type { PrekeyHeader } from './pqxdh.ts'
import type { PrekeyBundle, SignedPublic } from './prekeys.ts'
import type { RatchetState } from './ratchet.ts'
import { type Envelope, type Session, storedForm } from './session.ts'

/** Largest envelope: the largest ciphertext plus PQXDH's initial-message fields and protobuf overhead. */
export const MAX_ENVELOPE_BYTES = MAX_CIPHERTEXT_BYTES + 2_048

/** Largest stored session: 2,000 skipped keys of about 75 bytes each, plus the rest. */
export const MAX_SESSION_RECORD_BYTES = 256 * 1024

/** Largest bundle: one ML-KEM public key, two X25519 keys, two signatures. */
export const MAX_BUNDLE_BYTES = 4_096

const ED25519_KEY_BYTES = 32
const SIGNATURE_BYTES = 64

function guard<T>(bytes: Uint8Array, max: number, what: string, decode: (b: Uint8Array) => T): T {
  if (bytes.byteLength > max) {
    throw new InvalidSessionMessageError(`${what} is ${bytes.byteLength} bytes, the limit is ${max}`)
  }
  try {
    return decode(bytes)
  } catch (err) {
    throw err instanceof InvalidSessionMessageError
      ? err
      : new InvalidSessionMessageError(`malformed ${what}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function expectBytes(value: Bytes | undefined, length: number, field: string): Bytes {
  if (value == null || value.byteLength !== length) {
    throw new InvalidSessionMessageError(`${field} must be ${length} bytes`)
  }
  return value
}

function checkPrekeyHeader(h: WirePrekeyHeader): PrekeyHeader {
  return {
    identityKey: expectBytes(h.identityKey, ED25519_KEY_BYTES, 'identityKey'),
    ephemeralKey: expectBytes(h.ephemeralKey, KEY_BYTES, 'ephemeralKey'),
    kemCiphertext: expectBytes(h.kemCiphertext, ml_kem768.lengths.cipherText ?? 0, 'kemCiphertext'),
    signedPrekeyId: h.signedPrekeyId,
    kemPrekeyId: h.kemPrekeyId,
    ...(h.oneTimePrekeyId != null ? { oneTimePrekeyId: h.oneTimePrekeyId } : {})
  }
}

export function encodeEnvelope(envelope: Envelope): Bytes {
  return SessionEnvelope.encode({
    header: envelope.message.header,
    ciphertext: envelope.message.ciphertext,
    ...(envelope.prekey != null ? { prekey: envelope.prekey } : {})
  })
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return guard(bytes, MAX_ENVELOPE_BYTES, 'envelope', (b) => {
    const wire = SessionEnvelope.decode(b)
    const message = { header: expectBytes(wire.header, HEADER_BYTES, 'header'), ciphertext: wire.ciphertext }
    if (message.ciphertext.byteLength > MAX_CIPHERTEXT_BYTES) {
      throw new InvalidSessionMessageError('ciphertext too large')
    }
    return wire.prekey != null ? { prekey: checkPrekeyHeader(wire.prekey), message } : { message }
  })
}

function checkSigned(k: SignedPublic | undefined, keyBytes: number, field: string): SignedPublic {
  if (k == null) {
    throw new InvalidSessionMessageError(`${field} missing`)
  }
  return {
    id: k.id,
    publicKey: expectBytes(k.publicKey, keyBytes, field),
    signature: expectBytes(k.signature, SIGNATURE_BYTES, `${field} signature`)
  }
}

export function encodeBundle(bundle: PrekeyBundle): Bytes {
  return WireBundle.encode(bundle)
}

/** Decodes a bundle's shape; verifyBundle checks its signatures. */
export function decodeBundle(bytes: Uint8Array): PrekeyBundle {
  return guard(bytes, MAX_BUNDLE_BYTES, 'prekey bundle', (b) => {
    const wire = WireBundle.decode(b)
    const one = wire.oneTimePrekey
    return {
      identityKey: expectBytes(wire.identityKey, ED25519_KEY_BYTES, 'identityKey'),
      signedPrekey: checkSigned(wire.signedPrekey, KEY_BYTES, 'signedPrekey'),
      kemPrekey: checkSigned(wire.kemPrekey, ml_kem768.lengths.publicKey ?? 0, 'kemPrekey'),
      ...(one != null
        ? { oneTimePrekey: { id: one.id, publicKey: expectBytes(one.publicKey, KEY_BYTES, 'oneTimePrekey') } }
        : {})
    }
  })
}

function ratchetToRecord(r: RatchetState): RatchetStateRecord {
  return {
    dhsSecret: r.dhs.secretKey,
    dhsPublic: r.dhs.publicKey,
    rk: r.rk,
    ns: r.ns,
    nr: r.nr,
    pn: r.pn,
    ...(r.dhr != null ? { dhr: r.dhr } : {}),
    ...(r.cks != null ? { cks: r.cks } : {}),
    ...(r.ckr != null ? { ckr: r.ckr } : {}),
    skipped: [...r.skipped].map(([id, messageKey]) => {
      const [dhHex, n] = id.split(':')
      return { ratchetKey: Uint8Array.from(Buffer.from(dhHex, 'hex')), n: Number(n), messageKey }
    })
  }
}

function ratchetFromRecord(r: RatchetStateRecord): RatchetState {
  if (r.skipped.length > MAX_SKIPPED_KEYS) {
    throw new InvalidSessionMessageError('too many skipped keys')
  }
  const key = (b: Bytes | undefined, f: string): Bytes => expectBytes(b, KEY_BYTES, f)
  const skipped = new Map<string, Bytes>()
  for (const s of r.skipped) {
    skipped.set(
      `${Buffer.from(key(s.ratchetKey, 'ratchetKey')).toString('hex')}:${s.n}`,
      key(s.messageKey, 'messageKey')
    )
  }
  return {
    dhs: { secretKey: key(r.dhsSecret, 'dhsSecret'), publicKey: key(r.dhsPublic, 'dhsPublic') },
    rk: key(r.rk, 'rk'),
    ns: r.ns,
    nr: r.nr,
    pn: r.pn,
    skipped,
    ...(r.dhr != null ? { dhr: key(r.dhr, 'dhr') } : {}),
    ...(r.cks != null ? { cks: key(r.cks, 'cks') } : {}),
    ...(r.ckr != null ? { ckr: key(r.ckr, 'ckr') } : {})
  }
}

/** The stored record of a session: its sending chain as far as its reserve goes (see storedForm). */
export function encodeSession(live: Session): Bytes {
  const session = storedForm(live)
  return SessionRecord.encode({
    remoteIdentity: session.remoteIdentity,
    associatedData: session.associatedData,
    baseKey: session.baseKey,
    ratchet: ratchetToRecord(session.ratchet),
    ...(session.pendingPrekey != null ? { pendingPrekey: session.pendingPrekey } : {})
  })
}

export function decodeSession(bytes: Uint8Array): Session {
  return guard(bytes, MAX_SESSION_RECORD_BYTES, 'session record', (b) => {
    const wire = SessionRecord.decode(b, { limits: { ratchet: { skipped: MAX_SKIPPED_KEYS } } })
    if (wire.ratchet == null) {
      throw new InvalidSessionMessageError('session record has no ratchet state')
    }
    return {
      remoteIdentity: expectBytes(wire.remoteIdentity, ED25519_KEY_BYTES, 'remoteIdentity'),
      associatedData: expectBytes(wire.associatedData, 2 * ED25519_KEY_BYTES, 'associatedData'),
      baseKey: expectBytes(wire.baseKey, KEY_BYTES, 'baseKey'),
      ratchet: ratchetFromRecord(wire.ratchet),
      ...(wire.pendingPrekey != null ? { pendingPrekey: checkPrekeyHeader(wire.pendingPrekey) } : {})
    }
  })
}

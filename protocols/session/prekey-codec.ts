/** Storage encoding of an account's prekeys; the decoder checks every key's size and throws InvalidSessionMessageError. */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import { type Bytes, KEY_BYTES, ONE_TIME_PREKEYS } from './constants.ts'
import { InvalidSessionMessageError } from './errors.ts'
import { PrekeyStoreRecord, type StoredSignedKey } from './pb/session.ts'
import type { KemPrekey, PrekeyStore, SignedDhPrekey } from './prekeys.ts'

/** Largest stored prekey set: two batches of one-time keys (ML-KEM secret keys are 2,400 bytes) with room to spare. */
export const MAX_PREKEY_RECORD_BYTES = 1024 * 1024

const SIGNATURE_BYTES = 64
const MAX_ONE_TIME = 4 * ONE_TIME_PREKEYS

function sized(b: Uint8Array | undefined, length: number | undefined, field: string): Bytes {
  if (b == null || b.byteLength !== length) {
    throw new InvalidSessionMessageError(`${field} has the wrong size`)
  }
  return new Uint8Array(b)
}

function toSigned(k: SignedDhPrekey | KemPrekey): StoredSignedKey {
  return {
    id: k.id,
    publicKey: k.publicKey,
    secretKey: k.secretKey,
    signature: k.signature,
    createdAt: BigInt('createdAt' in k ? k.createdAt : 0)
  }
}

function dhFrom(k: StoredSignedKey | undefined, field: string): SignedDhPrekey {
  if (k == null) throw new InvalidSessionMessageError(`${field} missing`)
  return {
    id: k.id,
    publicKey: sized(k.publicKey, KEY_BYTES, field),
    secretKey: sized(k.secretKey, KEY_BYTES, field),
    signature: sized(k.signature, SIGNATURE_BYTES, field),
    createdAt: Number(k.createdAt)
  }
}

function kemFrom(k: StoredSignedKey | undefined, field: string): KemPrekey {
  if (k == null) throw new InvalidSessionMessageError(`${field} missing`)
  return {
    id: k.id,
    publicKey: sized(k.publicKey, ml_kem768.lengths.publicKey, field),
    secretKey: sized(k.secretKey, ml_kem768.lengths.secretKey, field),
    signature: sized(k.signature, SIGNATURE_BYTES, field)
  }
}

export function encodePrekeyStore(store: PrekeyStore): Uint8Array {
  return PrekeyStoreRecord.encode({
    nextId: store.nextId,
    signed: toSigned(store.signed),
    ...(store.previousSigned != null ? { previousSigned: toSigned(store.previousSigned) } : {}),
    lastResortKem: toSigned(store.lastResortKem),
    oneTime: store.oneTime.map((k) => ({ id: k.id, publicKey: k.keyPair.publicKey, secretKey: k.keyPair.secretKey })),
    oneTimeKem: store.oneTimeKem.map(toSigned)
  })
}

export function decodePrekeyStore(bytes: Uint8Array): PrekeyStore {
  if (bytes.byteLength > MAX_PREKEY_RECORD_BYTES) {
    throw new InvalidSessionMessageError('prekey record too large')
  }
  let r: PrekeyStoreRecord
  try {
    r = PrekeyStoreRecord.decode(bytes, { limits: { oneTime: MAX_ONE_TIME, oneTimeKem: MAX_ONE_TIME } })
  } catch (err) {
    throw new InvalidSessionMessageError(`malformed prekey record: ${err instanceof Error ? err.message : String(err)}`)
  }
  return {
    nextId: r.nextId,
    signed: dhFrom(r.signed, 'signed'),
    ...(r.previousSigned != null ? { previousSigned: dhFrom(r.previousSigned, 'previousSigned') } : {}),
    lastResortKem: kemFrom(r.lastResortKem, 'lastResortKem'),
    oneTime: r.oneTime.map((k) => ({
      id: k.id,
      keyPair: {
        publicKey: sized(k.publicKey, KEY_BYTES, 'oneTime'),
        secretKey: sized(k.secretKey, KEY_BYTES, 'oneTime')
      }
    })),
    oneTimeKem: r.oneTimeKem.map((k) => kemFrom(k, 'oneTimeKem'))
  }
}

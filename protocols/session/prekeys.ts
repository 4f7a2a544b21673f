/**
 * An account's prekeys (PQXDH section 3.2): a signed X25519 prekey replaced weekly, a signed last-resort ML-KEM-768
 * prekey, and batches of one-time X25519 and signed one-time ML-KEM prekeys, each used once. Pure: every function
 * returns a new store, which the caller persists before publishing what it returns.
 */

import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js'
import {
  type Bytes,
  KEY_BYTES,
  ONE_TIME_PREKEYS,
  SIGNATURE_DOMAIN,
  SIGNED_PREKEY_GRACE_MS,
  SIGNED_PREKEY_ROTATION_MS
} from './constants.ts'
import { InvalidPrekeyError } from './errors.ts'
import { type SessionIdentity, signWith, verifySignature } from './identity.ts'
import { type DhKeyPair, generateDh } from './ratchet.ts'

export interface SignedPublic {
  id: number
  publicKey: Bytes
  signature: Bytes
}

export interface SignedDhPrekey extends SignedPublic {
  secretKey: Bytes
  createdAt: number
}

export interface KemPrekey extends SignedPublic {
  secretKey: Bytes
}

export interface OneTimeDhPrekey {
  id: number
  keyPair: DhKeyPair
}

export interface PrekeyStore {
  nextId: number
  signed: SignedDhPrekey
  /** The signed prekey replaced last, kept for SIGNED_PREKEY_GRACE_MS for sessions started with it in flight. */
  previousSigned?: SignedDhPrekey
  lastResortKem: KemPrekey
  oneTime: OneTimeDhPrekey[]
  oneTimeKem: KemPrekey[]
}

/** The public half of a store, as published to relays and peers. */
export interface PublishedPrekeys {
  identityKey: Bytes
  signedPrekey: SignedPublic
  lastResortKemPrekey: SignedPublic
  oneTimePrekeys: Array<{ id: number; publicKey: Bytes }>
  oneTimeKemPrekeys: SignedPublic[]
}

/** What an initiator gets to start one session (PQXDH's "prekey bundle"). */
export interface PrekeyBundle {
  identityKey: Bytes
  signedPrekey: SignedPublic
  kemPrekey: SignedPublic
  oneTimePrekey?: { id: number; publicKey: Bytes }
}

type KeyKind = keyof typeof SIGNATURE_DOMAIN

function signedBytes(kind: KeyKind, id: number, publicKey: Bytes): Bytes {
  const idBytes = new Uint8Array(4)
  new DataView(idBytes.buffer).setUint32(0, id)
  return concatBytes(utf8ToBytes(SIGNATURE_DOMAIN[kind]), idBytes, publicKey)
}

function makeSignedDh(identity: SessionIdentity, id: number, now: number): SignedDhPrekey {
  const pair = generateDh()
  const signature = signWith(identity, signedBytes('signedPrekey', id, pair.publicKey))
  return { id, publicKey: pair.publicKey, secretKey: pair.secretKey, signature, createdAt: now }
}

function makeKem(identity: SessionIdentity, id: number): KemPrekey {
  const { publicKey, secretKey } = ml_kem768.keygen()
  return { id, publicKey, secretKey, signature: signWith(identity, signedBytes('kemPrekey', id, publicKey)) }
}

/** A fresh store with a full batch of one-time prekeys. */
export function createPrekeyStore(identity: SessionIdentity, now: number): PrekeyStore {
  const store: PrekeyStore = {
    nextId: 3,
    signed: makeSignedDh(identity, 1, now),
    lastResortKem: makeKem(identity, 2),
    oneTime: [],
    oneTimeKem: []
  }
  return replenish(identity, store)
}

/** Tops both one-time batches up to ONE_TIME_PREKEYS when fewer than half are left; unchanged otherwise. */
export function replenish(identity: SessionIdentity, store: PrekeyStore, target = ONE_TIME_PREKEYS): PrekeyStore {
  if (store.oneTime.length * 2 > target && store.oneTimeKem.length * 2 > target) {
    return store
  }
  let nextId = store.nextId
  const oneTime = [...store.oneTime]
  const oneTimeKem = [...store.oneTimeKem]
  while (oneTime.length < target) {
    oneTime.push({ id: nextId++, keyPair: generateDh() })
  }
  while (oneTimeKem.length < target) {
    oneTimeKem.push(makeKem(identity, nextId++))
  }
  return { ...store, nextId, oneTime, oneTimeKem }
}

/** Replaces the signed prekey once it is a week old, keeping the old one for the grace period. */
export function rotateSignedPrekey(identity: SessionIdentity, store: PrekeyStore, now: number): PrekeyStore {
  const previous =
    store.previousSigned != null && now - store.previousSigned.createdAt < SIGNED_PREKEY_GRACE_MS
      ? store.previousSigned
      : undefined
  if (now - store.signed.createdAt < SIGNED_PREKEY_ROTATION_MS) {
    return previous === store.previousSigned ? store : { ...store, previousSigned: previous }
  }
  return {
    ...store,
    nextId: store.nextId + 1,
    signed: makeSignedDh(identity, store.nextId, now),
    previousSigned: store.signed
  }
}

export function publishedPrekeys(identity: SessionIdentity, store: PrekeyStore): PublishedPrekeys {
  const pub = ({ id, publicKey, signature }: SignedPublic): SignedPublic => ({ id, publicKey, signature })
  return {
    identityKey: identity.publicKey,
    signedPrekey: pub(store.signed),
    lastResortKemPrekey: pub(store.lastResortKem),
    oneTimePrekeys: store.oneTime.map((k) => ({ id: k.id, publicKey: k.keyPair.publicKey })),
    oneTimeKemPrekeys: store.oneTimeKem.map(pub)
  }
}

/**
 * The bundle a holder of published prekeys (a relay, or the account itself on a LAN) hands to one initiator,
 * with the one-time prekeys it handed out; the holder removes those so that each is given out once.
 */
export function bundleFrom(published: PublishedPrekeys): PrekeyBundle {
  const oneTimePrekey = published.oneTimePrekeys[0]
  return {
    identityKey: published.identityKey,
    signedPrekey: published.signedPrekey,
    kemPrekey: published.oneTimeKemPrekeys[0] ?? published.lastResortKemPrekey,
    ...(oneTimePrekey != null ? { oneTimePrekey } : {})
  }
}

/** Checks both signatures and key sizes of a bundle; throws InvalidPrekeyError. */
export function verifyBundle(bundle: PrekeyBundle): void {
  const { identityKey, signedPrekey, kemPrekey, oneTimePrekey } = bundle
  if (
    signedPrekey.publicKey.byteLength !== KEY_BYTES ||
    kemPrekey.publicKey.byteLength !== ml_kem768.lengths.publicKey
  ) {
    throw new InvalidPrekeyError('prekey of the wrong size')
  }
  if (oneTimePrekey != null && oneTimePrekey.publicKey.byteLength !== KEY_BYTES) {
    throw new InvalidPrekeyError('one-time prekey of the wrong size')
  }
  if (
    !verifySignature(
      identityKey,
      signedBytes('signedPrekey', signedPrekey.id, signedPrekey.publicKey),
      signedPrekey.signature
    )
  ) {
    throw new InvalidPrekeyError('signed prekey signature does not verify')
  }
  if (!verifySignature(identityKey, signedBytes('kemPrekey', kemPrekey.id, kemPrekey.publicKey), kemPrekey.signature)) {
    throw new InvalidPrekeyError('KEM prekey signature does not verify')
  }
}

/**
 * Checks every signature and key size of published prekeys (what a relay is asked to hold); throws
 * InvalidPrekeyError. The one-time X25519 prekeys are unsigned in PQXDH, so only their sizes are checked.
 */
export function verifyPublished(published: PublishedPrekeys): void {
  const { identityKey, signedPrekey, lastResortKemPrekey } = published
  verifyBundle({ identityKey, signedPrekey, kemPrekey: lastResortKemPrekey })
  for (const k of published.oneTimePrekeys) {
    if (k.publicKey.byteLength !== KEY_BYTES) throw new InvalidPrekeyError('one-time prekey of the wrong size')
  }
  for (const k of published.oneTimeKemPrekeys) {
    if (
      k.publicKey.byteLength !== ml_kem768.lengths.publicKey ||
      !verifySignature(identityKey, signedBytes('kemPrekey', k.id, k.publicKey), k.signature)
    ) {
      throw new InvalidPrekeyError('one-time KEM prekey is of the wrong size or its signature does not verify')
    }
  }
}

/** The private parts a responder needs for an initial message, looked up by the ids it names. */
export interface ResponderKeys {
  signed: SignedDhPrekey
  kem: KemPrekey
  oneTime?: OneTimeDhPrekey
}

export function findResponderKeys(
  store: PrekeyStore,
  ids: { signedPrekeyId: number; kemPrekeyId: number; oneTimePrekeyId?: number }
): ResponderKeys {
  const signed = [store.signed, store.previousSigned].find((k) => k?.id === ids.signedPrekeyId)
  const kem = [store.lastResortKem, ...store.oneTimeKem].find((k) => k.id === ids.kemPrekeyId)
  const oneTime = ids.oneTimePrekeyId == null ? undefined : store.oneTime.find((k) => k.id === ids.oneTimePrekeyId)
  if (signed == null || kem == null || (ids.oneTimePrekeyId != null && oneTime == null)) {
    throw new InvalidPrekeyError('the message names a prekey this account does not have (used or expired)')
  }
  return { signed, kem, ...(oneTime != null ? { oneTime } : {}) }
}

/** Deletes the one-time prekeys a successful initial message used (PQXDH section 3.4: forward secrecy). */
export function consumePrekeys(store: PrekeyStore, used: ResponderKeys): PrekeyStore {
  return {
    ...store,
    oneTime: store.oneTime.filter((k) => k.id !== used.oneTime?.id),
    oneTimeKem: store.oneTimeKem.filter((k) => k.id !== used.kem.id)
  }
}

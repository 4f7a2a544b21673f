export {
  decodeBundle,
  decodeEnvelope,
  decodeSession,
  encodeBundle,
  encodeEnvelope,
  encodeSession,
  MAX_BUNDLE_BYTES,
  MAX_ENVELOPE_BYTES
} from './codec.ts'
export { MAX_SKIP, MAX_SKIPPED_KEYS, ONE_TIME_PREKEYS } from './constants.ts'
export {
  DuplicateMessageError,
  InvalidPrekeyError,
  InvalidSessionMessageError,
  SessionDecryptError,
  TooManySkippedError
} from './errors.ts'
export { identityFromKeyPair, identityFromSeed, type SessionIdentity } from './identity.ts'
export type { PrekeyHeader } from './pqxdh.ts'
export { decodePrekeyStore, encodePrekeyStore } from './prekey-codec.ts'
export {
  bundleFrom,
  createPrekeyStore,
  type PrekeyBundle,
  type PrekeyStore,
  type PublishedPrekeys,
  publishedPrekeys,
  replenish,
  rotateSignedPrekey,
  verifyBundle,
  verifyPublished
} from './prekeys.ts'
export { decodePublished, encodePublished, MAX_PUBLISHED_BYTES } from './published.ts'
export { SEAL_OVERHEAD, seal, unseal } from './sealed.ts'
export {
  acceptSession,
  decryptMessage,
  type Envelope,
  encryptMessage,
  isSameSession,
  type Session,
  startSession
} from './session.ts'
export { type Dirty, SessionBook } from './session-book.ts'

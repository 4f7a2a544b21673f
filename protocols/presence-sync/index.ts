export {
  decodePage,
  decodeRequest,
  encodePages,
  encodeRequest,
  type SignedAnnouncement,
  type SyncEntry
} from './codec.ts'
export {
  MAX_CONCURRENT_SYNCS,
  MAX_SYNC_ENTRIES,
  PRESENCE_SYNC_PROTOCOL,
  SYNC_BURST_PER_PEER,
  SYNC_TIMEOUT_MS
} from './constants.ts'
export { InvalidSignatureError, SyncRefusedError } from './errors.ts'
export { PresenceSync, type PresenceSyncComponents, type PresenceSyncInit } from './sync.ts'
export { signedAnnouncementOf, signedBytes, verifyAnnouncement } from './verify.ts'

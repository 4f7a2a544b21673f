export { validate as validatePresenceMessage } from './admission.ts'
export { relaysNamedIn } from './announced-addrs.ts'
export { answersNewcomer } from './answers.ts'
export { type Announcement, decodeAnnouncement, encodeAnnouncement, type PresenceKind } from './codec.ts'
export {
  HEARTBEAT_INTERVAL_MS,
  PRESENCE_TOPIC,
  PRESENCE_TTL_MS,
  RELAYED_HEARTBEAT_INTERVAL_MS,
  RELAYED_LIFETIME_MS,
  REPLY_FANOUT
} from './constants.ts'
export { addrsChanged, Directory, type DirectoryChange, type DirectoryEntry } from './directory.ts'
export { FIRST_JOIN_RELAY_WAIT_MS } from './first-join.ts'
export {
  type PresenceComponents,
  type PresenceEvents,
  type PresenceInit,
  PresenceService,
  presence
} from './presence.ts'

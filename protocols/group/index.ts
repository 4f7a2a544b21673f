export type { GroupChange } from './changes.ts'
export type { GroupPost } from './codec.ts'
export {
  DIRECTORY_TOPIC,
  GROUP_PROTOCOL,
  GROUP_TOPIC_PREFIX,
  MAX_DESCRIPTION_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MAX_LOG_ENTRIES,
  MAX_MEMBERS,
  SHORT_ID_LENGTH
} from './constants.ts'
export type { ListedGroup } from './directory.ts'
export type { GroupPersistence } from './engine.ts'
export { memoryPersistence } from './engine.ts'
export {
  AmbiguousGroupError,
  DecryptionError,
  EntryRejectedError,
  GroupFullError,
  GroupSyncError,
  InvalidGroupNameError,
  InvalidGroupOperationError,
  NotAuthorizedError,
  UnknownGroupError,
  UnknownInviteError
} from './errors.ts'
export type { GroupInfo, GroupServiceEvents } from './events.ts'
export { INVITE_ID_PREFIX, type Invitation } from './invitations.ts'
export { validateDescription, validateGroupName } from './names.ts'
export { type GroupRuntime, groupTopic } from './runtime.ts'
export {
  type GroupService,
  type GroupServiceComponents,
  type GroupServiceInit,
  groups
} from './service.ts'
export type { GroupState, Member, Role } from './state.ts'
export { groupIdOfTopic, verifyAnnouncement, verifyTopicFrameStateless } from './verify.ts'

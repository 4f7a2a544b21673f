export { decodeNotice, encodeNotice, type Notice } from './codec.ts'
export { DELETION_TOPIC, MAX_NOTICE_AGE_MS } from './constants.ts'
export {
  type DeletionComponents,
  type DeletionEvents,
  DeletionService,
  deletionNotices,
  validate as validateDeletionNotice
} from './deletion.ts'

import {
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
} from '../../protocols/group/index.ts'
import { AmbiguousOfferError, UnknownOfferError } from '../offers.ts'

/** Stable JSON error codes of the group errors, by class name. Codes never change once published. */
export const GROUP_ERROR_CODES: Record<string, string> = {
  [UnknownGroupError.name]: 'UNKNOWN_GROUP',
  [AmbiguousGroupError.name]: 'AMBIGUOUS_GROUP',
  [NotAuthorizedError.name]: 'NOT_AUTHORIZED',
  [InvalidGroupOperationError.name]: 'INVALID_GROUP_OPERATION',
  [GroupFullError.name]: 'GROUP_FULL',
  [InvalidGroupNameError.name]: 'INVALID_GROUP_NAME',
  [UnknownInviteError.name]: 'UNKNOWN_INVITE',
  [EntryRejectedError.name]: 'GROUP_OP_REJECTED',
  [GroupSyncError.name]: 'GROUP_SYNC_FAILED',
  [DecryptionError.name]: 'GROUP_DECRYPT_FAILED',
  [UnknownOfferError.name]: 'UNKNOWN_OFFER',
  [AmbiguousOfferError.name]: 'AMBIGUOUS_OFFER'
}

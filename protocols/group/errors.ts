/** No group of ours (or, for /join, no listed public group) matches what was typed. */
export class UnknownGroupError extends Error {
  static override readonly name = 'UnknownGroupError'
  override readonly name = 'UnknownGroupError'
}

/** Several groups match; the message lists them so the user can pick one. */
export class AmbiguousGroupError extends Error {
  static override readonly name = 'AmbiguousGroupError'
  override readonly name = 'AmbiguousGroupError'
}

/** The operation needs a role (owner or admin) that we do not have in this group. */
export class NotAuthorizedError extends Error {
  static override readonly name = 'NotAuthorizedError'
  override readonly name = 'NotAuthorizedError'
}

/** The operation does not fit the group's state (already a member, not invited, not a member...). */
export class InvalidGroupOperationError extends Error {
  static override readonly name = 'InvalidGroupOperationError'
  override readonly name = 'InvalidGroupOperationError'
}

/** The group has MAX_MEMBERS members, or its log MAX_LOG_ENTRIES entries. */
export class GroupFullError extends Error {
  static override readonly name = 'GroupFullError'
  override readonly name = 'GroupFullError'
}

/** A group name or description breaks the rules. */
export class InvalidGroupNameError extends Error {
  static override readonly name = 'InvalidGroupNameError'
  override readonly name = 'InvalidGroupNameError'
}

/** No pending invitation has that id. */
export class UnknownInviteError extends Error {
  static override readonly name = 'UnknownInviteError'
  override readonly name = 'UnknownInviteError'
}

/** A membership entry or invitation from the network was refused: bad signature, not authorized, replayed... */
export class EntryRejectedError extends Error {
  static override readonly name = 'EntryRejectedError'
  override readonly name = 'EntryRejectedError'
}

/** No member could be reached to fetch the group's log, or the one reached refused. */
export class GroupSyncError extends Error {
  static override readonly name = 'GroupSyncError'
  override readonly name = 'GroupSyncError'
}

/** Sealed group traffic that does not open with the key it names. */
export class DecryptionError extends Error {
  static override readonly name = 'DecryptionError'
  override readonly name = 'DecryptionError'
}

/** An invitation refused because too many are pending or too many were checked lately; it is not shown. */
export class InvitationLimitError extends Error {
  static override readonly name = 'InvitationLimitError'
  override readonly name = 'InvitationLimitError'
}

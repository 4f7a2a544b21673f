/** A DM cannot be sealed for an offline peer: we have no session with it, and none of its relays has its prekeys. */
export class NoPrekeysError extends Error {
  static override readonly name = 'NoPrekeysError'
  override readonly name = 'NoPrekeysError'
}

/** A sealed DM or mail did not open (tampered, not for us, or from a session we do not have). */
export class DecryptFailedError extends Error {
  static override readonly name = 'DecryptFailedError'
  override readonly name = 'DecryptFailedError'
}

/** Codes of the errors above and of the outbox, for the JSON `error` event. */
export const DIRECT_ERROR_CODES: Record<string, string> = {
  NoPrekeysError: 'NO_PREKEYS',
  DecryptFailedError: 'DECRYPT_FAILED',
  OutboxFullError: 'OUTBOX_FULL',
  DmExpiredError: 'DM_EXPIRED',
  UndecryptableError: 'UNDECRYPTABLE',
  MailboxRefusedError: 'MAILBOX_REFUSED'
}

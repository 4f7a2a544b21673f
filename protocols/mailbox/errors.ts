/** Why a relay would not take or serve a mailbox request; `code` is the wire status and the JSON error code. */
export type MailboxErrorCode = 'BAD_REQUEST' | 'TOO_LARGE' | 'MAILBOX_FULL' | 'RATE_LIMITED' | 'INTERNAL'

/** The relay refused a mailbox request; nothing was stored or changed. */
export class MailboxRefusedError extends Error {
  static override readonly name = 'MailboxRefusedError'
  override readonly name = 'MailboxRefusedError'
  readonly code: MailboxErrorCode

  constructor(code: MailboxErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

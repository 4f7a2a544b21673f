/** Why a peer would not serve a prekey request; `code` is the wire status and the JSON error code. */
export type PrekeyErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'FULL' | 'RATE_LIMITED' | 'INTERNAL'

/** A prekey request was refused; nothing was stored or handed out. */
export class PrekeyRefusedError extends Error {
  static override readonly name = 'PrekeyRefusedError'
  override readonly name = 'PrekeyRefusedError'
  readonly code: PrekeyErrorCode

  constructor(code: PrekeyErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

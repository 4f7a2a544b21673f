/**
 * The relay refused an admin request. `code` is stable and travels on the wire (NOT_ADMIN, REPLAYED,
 * BAD_SIGNATURE, ...); the message says why in words.
 */
export class AdminRefusedError extends Error {
  static override readonly name = 'AdminRefusedError'
  override readonly name = 'AdminRefusedError'
  constructor(
    readonly code: AdminErrorCode,
    message: string
  ) {
    super(message)
  }
}

/** Every code a relay may answer with. They never change once published. */
export const ADMIN_ERROR_CODES = [
  'BAD_REQUEST',
  'MESSAGE_TOO_LARGE',
  'BAD_SIGNATURE',
  'WRONG_SIGNER',
  'WRONG_RELAY',
  'STALE_REQUEST',
  'NOT_ADMIN',
  'REPLAYED',
  'BUSY',
  'UNKNOWN_COMMAND',
  'USAGE',
  'UNKNOWN_USER',
  'AMBIGUOUS_NAME',
  'NOT_BANNED',
  'ALREADY_BANNED',
  'ALREADY_ADMIN',
  'NOT_AN_ADMIN',
  'LAST_ADMIN',
  'PROTECTED_PEER',
  'IMMUTABLE',
  'UNKNOWN_SETTING',
  'INVALID_SETTING',
  'LIMIT_REACHED',
  'NOT_RUNNING',
  'INTERNAL'
] as const

export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number]

/** True for a code from ADMIN_ERROR_CODES. */
export function isAdminErrorCode(code: string): code is AdminErrorCode {
  return (ADMIN_ERROR_CODES as readonly string[]).includes(code)
}

/** The responder would not serve this conversation to us (not a member, or it keeps nothing of it). */
export class CatchUpRefusedError extends Error {
  static override readonly name = 'CatchUpRefusedError'
  override readonly name = 'CatchUpRefusedError'
}

/** The responder refused: we asked too often. */
export class CatchUpRateLimitedError extends Error {
  static override readonly name = 'CatchUpRateLimitedError'
  override readonly name = 'CatchUpRateLimitedError'
}

/** A caught-up message whose signature does not verify, or that belongs to another conversation. */
export class ForgedMessageError extends Error {
  static override readonly name = 'ForgedMessageError'
  override readonly name = 'ForgedMessageError'
}

/** Codes of the JSON `error` event for these errors. */
export const CATCH_UP_ERROR_CODES: Record<string, string> = {
  [CatchUpRefusedError.name]: 'CATCH_UP_REFUSED',
  [CatchUpRateLimitedError.name]: 'CATCH_UP_RATE_LIMITED',
  [ForgedMessageError.name]: 'FORGED_MESSAGE'
}

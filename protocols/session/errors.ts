/** A message that did not authenticate: tampered, truncated, or not for this session. Session state is unchanged. */
export class SessionDecryptError extends Error {
  static override readonly name = 'SessionDecryptError'
  override readonly name = 'SessionDecryptError'
}

/** A message whose key was already used: a replay or a duplicate delivery. Session state is unchanged. */
export class DuplicateMessageError extends Error {
  static override readonly name = 'DuplicateMessageError'
  override readonly name = 'DuplicateMessageError'
}

/** A header that would skip more message keys than MAX_SKIP. Session state is unchanged. */
export class TooManySkippedError extends Error {
  static override readonly name = 'TooManySkippedError'
  override readonly name = 'TooManySkippedError'
}

/** A prekey bundle or initial message whose signatures, keys or ids do not check out. */
export class InvalidPrekeyError extends Error {
  static override readonly name = 'InvalidPrekeyError'
  override readonly name = 'InvalidPrekeyError'
}

/** Bytes that do not decode into a well-formed session message or state. */
export class InvalidSessionMessageError extends Error {
  static override readonly name = 'InvalidSessionMessageError'
  override readonly name = 'InvalidSessionMessageError'
}

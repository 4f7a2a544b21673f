/** Bytes that do not decode into a well-formed message of the expected type. */
export class InvalidMessageError extends Error {
  static override readonly name = 'InvalidMessageError'
  override readonly name = 'InvalidMessageError'
}

/** A text or frame over its size limit. */
export class MessageTooLargeError extends Error {
  static override readonly name = 'MessageTooLargeError'
  override readonly name = 'MessageTooLargeError'
}

/** A display name that breaks the naming rules. */
export class InvalidNameError extends Error {
  static override readonly name = 'InvalidNameError'
  override readonly name = 'InvalidNameError'
}

/** A message with no visible text. */
export class EmptyMessageError extends Error {
  static override readonly name = 'EmptyMessageError'
  override readonly name = 'EmptyMessageError'
}

/**
 * A readable reason for anything thrown or rejected. Transports sometimes reject with a DOM `Event` (a socket's
 * `error` event), whose `String()` is only "[object Event]".
 */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    return err.message
  }
  if (typeof Event !== 'undefined' && err instanceof Event) {
    const inner = err as Event & { error?: unknown; message?: unknown }
    if (inner.error instanceof Error) {
      return inner.error.message
    }
    return typeof inner.message === 'string' && inner.message !== '' ? inner.message : `${err.type} event`
  }
  return String(err)
}

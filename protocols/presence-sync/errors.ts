/** A signed announcement whose signature, author or fields do not check out. */
export class InvalidSignatureError extends Error {
  static override readonly name = 'InvalidSignatureError'
  override readonly name = 'InvalidSignatureError'
}

/** The peer asked answers no more syncs for now (busy, or asked too often). */
export class SyncRefusedError extends Error {
  static override readonly name = 'SyncRefusedError'
  override readonly name = 'SyncRefusedError'
}

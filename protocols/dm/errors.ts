/** The recipient answered but would not take the message. */
export class DeliveryRefusedError extends Error {
  static override readonly name = 'DeliveryRefusedError'
  override readonly name = 'DeliveryRefusedError'
}

/** The recipient could not be reached, or did not acknowledge in time. */
export class DeliveryFailedError extends Error {
  static override readonly name = 'DeliveryFailedError'
  override readonly name = 'DeliveryFailedError'
}

/** The recipient could not decrypt the sealed DM (it lost the session, or the prekeys it named were used). */
export class UndecryptableError extends Error {
  static override readonly name = 'UndecryptableError'
  override readonly name = 'UndecryptableError'
}

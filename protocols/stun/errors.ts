/** A relay's STUN advertisement that could not be read or does not make sense. */
export class StunInfoError extends Error {
  static override readonly name = 'StunInfoError'
  override readonly name = 'StunInfoError'
}

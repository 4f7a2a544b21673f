/** The relay's config file is missing a value, has a wrong one, or is not JSON. The message names the key. */
export class ConfigError extends Error {
  static override readonly name = 'ConfigError'
  override readonly name = 'ConfigError'
  constructor(
    message: string,
    readonly key?: string
  ) {
    super(message)
  }
}

/** A snapshot file that cannot be used: truncated, corrupted or not a snapshot. */
export class SnapshotError extends Error {
  static override readonly name = 'SnapshotError'
  override readonly name = 'SnapshotError'
}

/** The data directory has no usable state: the relay refuses to start empty. */
export class NoUsableStateError extends Error {
  static override readonly name = 'NoUsableStateError'
  override readonly name = 'NoUsableStateError'
}

/** `relay init` on a directory that already holds a relay. */
export class RelayExistsError extends Error {
  static override readonly name = 'RelayExistsError'
  override readonly name = 'RelayExistsError'
}

/** The relay named in a local admin command is not running, and the command needs it to. */
export class RelayNotRunningError extends Error {
  static override readonly name = 'RelayNotRunningError'
  override readonly name = 'RelayNotRunningError'
}

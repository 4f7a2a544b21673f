/** A retention policy string that does not parse (`5x`, `0d`, `lobby=`). */
export class InvalidRetentionError extends Error {
  static override readonly name = 'InvalidRetentionError'
  override readonly name = 'InvalidRetentionError'
}

/** The passphrase does not open the key (or backup); nothing was changed. */
export class BadPassphraseError extends Error {
  static override readonly name = 'BadPassphraseError'
  override readonly name = 'BadPassphraseError'
}

/** The key is encrypted and no passphrase was given (no terminal to ask in, no file, no env var). */
export class PassphraseRequiredError extends Error {
  static override readonly name = 'PassphraseRequiredError'
  override readonly name = 'PassphraseRequiredError'
}

/** A `--passphrase-file` that cannot be read, is empty or is far too long to be a passphrase. */
export class InvalidPassphraseFileError extends Error {
  static override readonly name = 'InvalidPassphraseFileError'
  override readonly name = 'InvalidPassphraseFileError'
}

/** `account.json` cannot be read; we refuse to reset anyone's account silently. */
export class CorruptAccountError extends Error {
  static override readonly name = 'CorruptAccountError'
  override readonly name = 'CorruptAccountError'
}

/** A backup file that is not one, or was cut short. */
export class CorruptBackupError extends Error {
  static override readonly name = 'CorruptBackupError'
  override readonly name = 'CorruptBackupError'
}

/** `account create` or `account import` where an account already lives. */
export class AccountExistsError extends Error {
  static override readonly name = 'AccountExistsError'
  override readonly name = 'AccountExistsError'
}

/** An account command on a data directory with no account in it. */
export class NoAccountError extends Error {
  static override readonly name = 'NoAccountError'
  override readonly name = 'NoAccountError'
}

/** Something irreversible (destroy) was asked for without confirming it. */
export class ConfirmationRequiredError extends Error {
  static override readonly name = 'ConfirmationRequiredError'
  override readonly name = 'ConfirmationRequiredError'
}

/** A DM to someone we blocked. */
export class BlockedUserError extends Error {
  static override readonly name = 'BlockedUserError'
  override readonly name = 'BlockedUserError'
}

/** `/unblock` of someone who is not blocked. */
export class NotBlockedError extends Error {
  static override readonly name = 'NotBlockedError'
  override readonly name = 'NotBlockedError'
}

/** `/block` of ourselves. */
export class SelfBlockError extends Error {
  static override readonly name = 'SelfBlockError'
  override readonly name = 'SelfBlockError'
}

/** `account set` with a key we do not know. */
export class UnknownSettingError extends Error {
  static override readonly name = 'UnknownSettingError'
  override readonly name = 'UnknownSettingError'
}

/** `account export` onto a file that exists: a backup never overwrites anything. */
export class FileExistsError extends Error {
  static override readonly name = 'FileExistsError'
  override readonly name = 'FileExistsError'
}

/** Stable JSON error codes of the account errors, merged into node/errors.ts. */
export const ACCOUNT_ERROR_CODES: Record<string, string> = {
  [InvalidRetentionError.name]: 'INVALID_RETENTION',
  [BadPassphraseError.name]: 'BAD_PASSPHRASE',
  [PassphraseRequiredError.name]: 'PASSPHRASE_REQUIRED',
  [InvalidPassphraseFileError.name]: 'INVALID_PASSPHRASE_FILE',
  [CorruptAccountError.name]: 'CORRUPT_ACCOUNT',
  [CorruptBackupError.name]: 'CORRUPT_BACKUP',
  [AccountExistsError.name]: 'ACCOUNT_EXISTS',
  [NoAccountError.name]: 'NO_ACCOUNT',
  [ConfirmationRequiredError.name]: 'CONFIRMATION_REQUIRED',
  [BlockedUserError.name]: 'BLOCKED',
  [NotBlockedError.name]: 'NOT_BLOCKED',
  [SelfBlockError.name]: 'SELF_BLOCK',
  [UnknownSettingError.name]: 'UNKNOWN_SETTING',
  [FileExistsError.name]: 'FILE_EXISTS'
}

/** The peer answered but would not do what we asked (blocked, file too large, ...). */
export class TransferRefusedError extends Error {
  static override readonly name = 'TransferRefusedError'
  override readonly name = 'TransferRefusedError'
}

/** The peer could not be reached, or the stream broke; transfers resume later from where they were. */
export class TransferInterruptedError extends Error {
  static override readonly name = 'TransferInterruptedError'
  override readonly name = 'TransferInterruptedError'
}

/** A data stream moved no bytes for the idle timeout: the peer stopped reading but the connection is still up. */
export class TransferStalledError extends Error {
  static override readonly name = 'TransferStalledError'
  override readonly name = 'TransferStalledError'
}

/** The peer does not know the transfer (never offered, or already forgotten). */
export class UnknownTransferError extends Error {
  static override readonly name = 'UnknownTransferError'
  override readonly name = 'UnknownTransferError'
}

/** A transfer id prefix matches more than one transfer. */
export class AmbiguousTransferError extends Error {
  static override readonly name = 'AmbiguousTransferError'
  override readonly name = 'AmbiguousTransferError'
}

/** The transfer was cancelled, by us or by the peer. */
export class TransferCancelledError extends Error {
  static override readonly name = 'TransferCancelledError'
  override readonly name = 'TransferCancelledError'
}

/** The offer was not accepted in time. */
export class OfferExpiredError extends Error {
  static override readonly name = 'OfferExpiredError'
  override readonly name = 'OfferExpiredError'
}

/** The received bytes do not match the announced SHA-256 (or a chunk hash); nothing is kept. */
export class HashMismatchError extends Error {
  static override readonly name = 'HashMismatchError'
  override readonly name = 'HashMismatchError'
}

/** The sender sent more bytes than it announced. */
export class SizeMismatchError extends Error {
  static override readonly name = 'SizeMismatchError'
  override readonly name = 'SizeMismatchError'
}

/** An offered file is over our size limit. */
export class FileTooLargeError extends Error {
  static override readonly name = 'FileTooLargeError'
  override readonly name = 'FileTooLargeError'
}

/** The file on the sender's disk changed (or vanished) since it was offered. */
export class FileChangedError extends Error {
  static override readonly name = 'FileChangedError'
  override readonly name = 'FileChangedError'
}

/** The download disk is full (or too full for the file); the partial file is removed. */
export class DiskFullError extends Error {
  static override readonly name = 'DiskFullError'
  override readonly name = 'DiskFullError'
}

/** The command does not fit the transfer's state (accepting an outgoing transfer, cancelling a finished one, ...). */
export class InvalidTransferStateError extends Error {
  static override readonly name = 'InvalidTransferStateError'
  override readonly name = 'InvalidTransferStateError'
}

/** A local file cannot be sent (missing, a directory, unreadable). */
export class FileNotReadableError extends Error {
  static override readonly name = 'FileNotReadableError'
  override readonly name = 'FileNotReadableError'
}

/** A path in the download folder is a symlink, a hard link or someone else's: we refuse to write through it. */
export class UnsafeDownloadPathError extends Error {
  static override readonly name = 'UnsafeDownloadPathError'
  override readonly name = 'UnsafeDownloadPathError'
}

import {
  AmbiguousTransferError,
  DiskFullError,
  FileChangedError,
  FileNotReadableError,
  FileTooLargeError,
  HashMismatchError,
  InvalidTransferStateError,
  OfferExpiredError,
  SizeMismatchError,
  TransferCancelledError,
  TransferInterruptedError,
  TransferRefusedError,
  TransferStalledError,
  UnknownTransferError,
  UnsafeDownloadPathError
} from './errors.ts'

/** Stable JSON error codes of file transfer errors; they never change once published. */
export const TRANSFER_ERROR_CODES: Record<string, string> = {
  [TransferRefusedError.name]: 'TRANSFER_REFUSED',
  [TransferInterruptedError.name]: 'TRANSFER_INTERRUPTED',
  // a stall is an interruption to the user: the transfer waits and resumes
  [TransferStalledError.name]: 'TRANSFER_INTERRUPTED',
  [UnknownTransferError.name]: 'UNKNOWN_TRANSFER',
  [AmbiguousTransferError.name]: 'AMBIGUOUS_TRANSFER',
  [TransferCancelledError.name]: 'TRANSFER_CANCELLED',
  [OfferExpiredError.name]: 'OFFER_EXPIRED',
  [HashMismatchError.name]: 'HASH_MISMATCH',
  [SizeMismatchError.name]: 'SIZE_MISMATCH',
  [FileTooLargeError.name]: 'FILE_TOO_LARGE',
  [FileChangedError.name]: 'FILE_CHANGED',
  [DiskFullError.name]: 'DISK_FULL',
  [InvalidTransferStateError.name]: 'INVALID_TRANSFER_STATE',
  [FileNotReadableError.name]: 'FILE_NOT_READABLE',
  [UnsafeDownloadPathError.name]: 'UNSAFE_PATH'
}

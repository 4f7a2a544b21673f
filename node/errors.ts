import { AdminRefusedError } from '../protocols/admin/index.ts'
import { CATCH_UP_ERROR_CODES } from '../protocols/catchup/index.ts'
import {
  EmptyMessageError,
  InvalidMessageError,
  InvalidNameError,
  MessageTooLargeError
} from '../protocols/common/index.ts'
import { DeliveryFailedError, DeliveryRefusedError } from '../protocols/dm/index.ts'
import { TRANSFER_ERROR_CODES } from '../protocols/file/index.ts'
import { ACCOUNT_ERROR_CODES } from './account/errors.ts'
import { GROUP_ERROR_CODES } from './groups/errors.ts'

/** No online user matches what was typed. */
export class UnknownUserError extends Error {
  static override readonly name = 'UnknownUserError'
  override readonly name = 'UnknownUserError'
}

/** Several online users match a name; the message lists them so the user can pick one. */
export class AmbiguousNameError extends Error {
  static override readonly name = 'AmbiguousNameError'
  override readonly name = 'AmbiguousNameError'
  constructor(
    message: string,
    readonly candidates: string[]
  ) {
    super(message)
  }
}

/** Another p2pchat process holds this data directory. */
export class DataDirInUseError extends Error {
  static override readonly name = 'DataDirInUseError'
  override readonly name = 'DataDirInUseError'
}

/** The stored identity key cannot be read; we refuse to silently replace someone's identity. */
export class CorruptIdentityError extends Error {
  static override readonly name = 'CorruptIdentityError'
  override readonly name = 'CorruptIdentityError'
}

/** A DM addressed to ourselves. */
export class SelfMessageError extends Error {
  static override readonly name = 'SelfMessageError'
  override readonly name = 'SelfMessageError'
}

/** The node is not running (not started yet, or stopped). */
export class NotStartedError extends Error {
  static override readonly name = 'NotStartedError'
  override readonly name = 'NotStartedError'
}

/** Stable codes for the JSON `error` event, by error class name. Codes never change once published. */
const CODES: Record<string, string> = {
  [UnknownUserError.name]: 'UNKNOWN_USER',
  [AmbiguousNameError.name]: 'AMBIGUOUS_NAME',
  [DataDirInUseError.name]: 'DATA_DIR_IN_USE',
  [CorruptIdentityError.name]: 'CORRUPT_IDENTITY',
  [SelfMessageError.name]: 'SELF_MESSAGE',
  [NotStartedError.name]: 'NOT_STARTED',
  [DeliveryFailedError.name]: 'DELIVERY_FAILED',
  [DeliveryRefusedError.name]: 'DELIVERY_REFUSED',
  [InvalidNameError.name]: 'INVALID_NAME',
  [MessageTooLargeError.name]: 'MESSAGE_TOO_LARGE',
  [EmptyMessageError.name]: 'EMPTY_MESSAGE',
  [InvalidMessageError.name]: 'PROTOCOL_ERROR',
  ...TRANSFER_ERROR_CODES,
  ...CATCH_UP_ERROR_CODES,
  NoRelayError: 'NO_RELAY',
  ConfigError: 'INVALID_CONFIG',
  NoUsableStateError: 'NO_USABLE_STATE',
  RelayExistsError: 'RELAY_EXISTS',
  RelayNotRunningError: 'RELAY_NOT_RUNNING',
  AbortError: 'ABORTED',
  TimeoutError: 'TIMEOUT',
  ...ACCOUNT_ERROR_CODES,
  ...GROUP_ERROR_CODES
}

/** The JSON error code for any error; unknown ones are INTERNAL. */
export function errorCode(err: unknown): string {
  if (err instanceof AdminRefusedError) {
    // the relay's own code (NOT_ADMIN, REPLAYED, ...) says more than the class
    return err.code
  }
  // own keys only: an error named 'constructor' or 'toString' must not pick up Object.prototype members
  return err instanceof Error && Object.hasOwn(CODES, err.name) ? CODES[err.name] : 'INTERNAL'
}

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
import { MailboxRefusedError } from '../protocols/mailbox/index.ts'
import { PrekeyRefusedError } from '../protocols/prekeys/index.ts'
import { ACCOUNT_ERROR_CODES } from './account/errors.ts'
import { DIRECT_ERROR_CODES } from './direct/errors.ts'
import { GROUP_ERROR_CODES } from './groups/errors.ts'

const endedDms = new WeakMap<Error, string>()

/**
 * Marks `err` as the end of DM `id`, which `sent` had announced (its prekeys never came, the recipient refused it):
 * the error event then names the DM, so the sender knows which one will never be delivered. Returns `err`.
 */
export function endsDm(err: unknown, id: string): unknown {
  if (err instanceof Error) {
    endedDms.set(err, id)
  }
  return err
}

/** The DM that `err` ended, if endsDm marked it. */
export function endedDm(err: unknown): string | undefined {
  return err instanceof Error ? endedDms.get(err) : undefined
}

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
  ...GROUP_ERROR_CODES,
  ...DIRECT_ERROR_CODES
}

/** The JSON error code for any error; a full disk is DISK_FULL wherever it came from; other unknown ones INTERNAL. */
export function errorCode(err: unknown): string {
  if (err instanceof MailboxRefusedError) {
    return err.code === 'MAILBOX_FULL' || err.code === 'RATE_LIMITED' ? err.code : `MAILBOX_${err.code}`
  }
  if (err instanceof PrekeyRefusedError) {
    return `PREKEYS_${err.code}`
  }
  if (err instanceof AdminRefusedError) {
    // the relay's own code (NOT_ADMIN, REPLAYED, ...) says more than the class
    return err.code
  }
  // own keys only: an error named 'constructor' or 'toString' must not pick up Object.prototype members
  if (err instanceof Error && Object.hasOwn(CODES, err.name)) {
    return CODES[err.name]
  }
  return isDiskFull(err) ? 'DISK_FULL' : 'INTERNAL'
}

/** How deep isDiskFull follows `cause`: store errors wrap the system error once or twice. */
const MAX_CAUSE_DEPTH = 4

/**
 * A write that failed for lack of space (ENOSPC, or over quota): node's own errors say so in `code`, the message
 * store's (LevelDB) only in the message of the error or of its cause.
 */
export function isDiskFull(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > MAX_CAUSE_DEPTH) {
    return false
  }
  const code = Reflect.get(err, 'code')
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /No space left on device|ENOSPC|Disk quota exceeded/.test(err.message)
  ) {
    return true
  }
  return isDiskFull(err.cause, depth + 1)
}

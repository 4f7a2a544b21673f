import { HASH_BYTES } from '../../protocols/file/index.ts'

/** Where a transfer stands. `waiting`: accepted, not moving right now (peer away, connection lost); it resumes. */
export type TransferState =
  | 'preparing'
  | 'offered'
  | 'waiting'
  | 'transferring'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'expired'
  | 'failed'

/** What can happen to a transfer. */
export type TransferAction =
  | 'offer'
  | 'accept'
  | 'start'
  | 'interrupt'
  | 'complete'
  | 'decline'
  | 'cancel'
  | 'expire'
  | 'fail'
  | 'retry'

const TRANSITIONS: Record<TransferState, Partial<Record<TransferAction, TransferState>>> = {
  preparing: { offer: 'offered', cancel: 'cancelled', fail: 'failed' },
  offered: {
    accept: 'waiting',
    start: 'transferring',
    decline: 'declined',
    cancel: 'cancelled',
    expire: 'expired',
    fail: 'failed'
  },
  waiting: { start: 'transferring', complete: 'done', cancel: 'cancelled', fail: 'failed' },
  transferring: { interrupt: 'waiting', complete: 'done', cancel: 'cancelled', fail: 'failed' },
  // a receiver may try a failed download again (disk full, sender offline for long); the sender decides
  failed: { retry: 'waiting', cancel: 'cancelled' },
  done: {},
  declined: {},
  cancelled: {},
  expired: {}
}

/** The state after `action`, or undefined when the action does not apply in `state`. */
export function nextState(state: TransferState, action: TransferAction): TransferState | undefined {
  return TRANSITIONS[state][action]
}

/** True once nothing more will happen to a transfer. */
export function isFinal(state: TransferState): boolean {
  return state === 'done' || state === 'declined' || state === 'cancelled' || state === 'expired'
}

/** True while a transfer occupies the sender: it must keep the file and answer fetches. */
export function isLive(state: TransferState): boolean {
  return state === 'offered' || state === 'waiting' || state === 'transferring'
}

/** An unanswered offer past its deadline. */
export function isExpired(state: TransferState, expiresAt: number, now: number): boolean {
  return state === 'offered' && now >= expiresAt
}

/** Number of leading chunks whose hash on disk equals the announced one: where a download resumes. */
export function verifiedPrefix(expected: Uint8Array, actual: Uint8Array[]): number {
  let n = 0
  for (; n < actual.length; n++) {
    const want = expected.subarray(n * HASH_BYTES, (n + 1) * HASH_BYTES)
    if (want.byteLength !== HASH_BYTES || !equalBytes(want, actual[n])) {
      break
    }
  }
  return n
}

/** How many whole chunks a partial file of `partLength` bytes can hold (only those can be verified). */
export function wholeChunks(partLength: number, size: number, chunkSize: number): number {
  const usable = Math.min(partLength, size)
  const full = Math.floor(usable / chunkSize)
  // the last chunk is shorter: it is whole when the file is
  return usable === size && size % chunkSize !== 0 ? full + 1 : full
}

/** The byte offset after `chunks` verified chunks. */
export function resumeOffset(chunks: number, size: number, chunkSize: number): number {
  return Math.min(size, chunks * chunkSize)
}

/** Whether a FETCH offset is one a sender should serve: a chunk boundary within the file, or its end. */
export function isValidOffset(offset: number, size: number, chunkSize: number): boolean {
  return Number.isSafeInteger(offset) && offset >= 0 && offset <= size && (offset === size || offset % chunkSize === 0)
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) {
    return false
  }
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) {
      return false
    }
  }
  return true
}

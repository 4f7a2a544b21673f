import type { ProgressSample } from './rate.ts'
import type { TransferState } from './state.ts'

/** A transfer as front ends see it. */
export interface TransferInfo {
  id: string
  /** the shortest unambiguous prefix of the id, for commands */
  shortId: string
  direction: 'in' | 'out'
  peer: { peerId: string; name: string }
  /** false when the peer is not online in the directory: its name is only its own claim */
  known: boolean
  name: string
  /** in: the name exactly as the sender offered it, when sanitizing changed it */
  offeredName?: string
  size: number
  sha256: string
  state: TransferState
  bytes: number
  expiresAt: number
  savedAs?: string
  error?: { code: string; message: string }
}

export interface TransferProgressInfo {
  transfer: TransferInfo
  /** hashing: the sender reads the file before offering it */
  phase: 'hashing' | 'sending' | 'receiving'
  sample: ProgressSample
}

export interface TransferEvents {
  /** a transfer appeared or changed state */
  transfer: CustomEvent<TransferInfo>
  'transfer-progress': CustomEvent<TransferProgressInfo>
  /** an offer we turned down without asking (over the size limit, too many pending) */
  'offer-refused': CustomEvent<{
    peerId: string
    peerName: string
    name: string
    size: number
    code: string
    reason: string
  }>
}

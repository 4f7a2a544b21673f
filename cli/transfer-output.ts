import type { TransferInfo, TransferProgressInfo } from '../node/transfers/events.ts'
import type { DisplayNames } from './sanitize.ts'
import { formatBytes, formatEta, formatRate, percent } from './transfer-format.ts'

interface PeerRef {
  peerId: string
  name: string
}

/** A transfer in the `/transfers` list (JSON contract). */
export interface TransferView {
  id: string
  shortId: string
  direction: 'in' | 'out'
  peer: PeerRef
  /** false: the peer is not online in the directory, its name is only its own claim */
  known: boolean
  name: string
  offeredName?: string
  size: number
  sha256: string
  state: string
  bytes: number
  expiresAt: number
  savedAs?: string
  error?: { code: string; message: string }
}

/** The file transfer events of the JSON contract. */
export type TransferOutputEvent =
  | {
      type: 'offer'
      id: string
      shortId: string
      from: PeerRef
      known: boolean
      name: string
      offeredName?: string
      size: number
      sha256: string
      expiresAt: number
    }
  | {
      type: 'transfer'
      id: string
      shortId: string
      direction: 'in' | 'out'
      peer: PeerRef
      name: string
      size: number
      state: string
      bytes: number
      code?: string
      reason?: string
    }
  | {
      type: 'progress'
      id: string
      shortId: string
      direction: 'in' | 'out'
      phase: 'hashing' | 'sending' | 'receiving'
      name: string
      bytes: number
      size: number
      /** bytes per second */
      rate: number
      etaSeconds?: number
    }
  | {
      type: 'done'
      id: string
      shortId: string
      direction: 'in' | 'out'
      peer: PeerRef
      name: string
      size: number
      /** the SHA-256 the receiver verified */
      sha256: string
      /** in: where the file was saved */
      path?: string
    }
  | { type: 'transfers'; transfers: TransferView[] }

export function transferView(t: TransferInfo): TransferView {
  return { ...t, peer: { ...t.peer } }
}

/** The events for a transfer's new state; failures come out as `error` events carrying the transfer id. */
export function transferStateEvents(
  t: TransferInfo
): Array<TransferOutputEvent | { type: 'error'; code: string; message: string; transfer: string }> {
  const base = { id: t.id, shortId: t.shortId, direction: t.direction, peer: t.peer, name: t.name, size: t.size }
  switch (t.state) {
    case 'offered':
      if (t.direction === 'in') {
        return [
          {
            type: 'offer',
            id: t.id,
            shortId: t.shortId,
            from: t.peer,
            known: t.known,
            name: t.name,
            ...(t.offeredName != null ? { offeredName: t.offeredName } : {}),
            size: t.size,
            sha256: t.sha256,
            expiresAt: t.expiresAt
          }
        ]
      }
      break
    case 'done':
      return [{ type: 'done', ...base, sha256: t.sha256, ...(t.savedAs ? { path: t.savedAs } : {}) }]
    case 'failed':
      return [
        {
          type: 'error',
          code: t.error?.code ?? 'INTERNAL',
          message: `transfer ${t.shortId} (${t.name}) failed: ${t.error?.message ?? 'unknown error'}`,
          transfer: t.id
        }
      ]
  }
  return [
    {
      type: 'transfer',
      ...base,
      state: t.state,
      bytes: t.bytes,
      ...(t.error ? { code: t.error.code, reason: t.error.message } : {})
    }
  ]
}

export function progressEvent(p: TransferProgressInfo): TransferOutputEvent {
  const t = p.transfer
  return {
    type: 'progress',
    id: t.id,
    shortId: t.shortId,
    direction: t.direction,
    phase: p.phase,
    name: t.name,
    bytes: p.sample.bytes,
    size: p.sample.size,
    rate: p.sample.rate,
    ...(p.sample.etaSeconds != null ? { etaSeconds: p.sample.etaSeconds } : {})
  }
}

function clock(ts: number): string {
  const d = new Date(ts)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

const STATE_TEXT: Record<string, string> = {
  preparing: 'reading the file to offer it',
  offered: 'offered, waiting for them to accept',
  waiting: 'waiting for the other side, starts or resumes by itself',
  transferring: 'transferring',
  declined: 'declined',
  cancelled: 'cancelled',
  expired: 'offer expired'
}

/** Line-mode text of a transfer event. Names are sanitized already; `clean` makes any other remote text safe. */
export function transferTextLine(
  event: TransferOutputEvent,
  names: DisplayNames,
  clean: (s: string) => string
): string {
  switch (event.type) {
    case 'offer': {
      const who = `${names(event.from.peerId, event.from.name)}${event.known ? '' : ' (unknown: not online in the directory)'}`
      const renamed = event.offeredName != null ? ` (offered as "${clean(event.offeredName)}")` : ''
      return `* ${who} offers ${event.name}${renamed}, ${formatBytes(event.size)} [${event.shortId}]: /accept ${event.shortId} or /decline ${event.shortId} (until ${clock(event.expiresAt)})`
    }
    case 'transfer': {
      const arrow = event.direction === 'out' ? '->' : '<-'
      const why = event.reason ? ` (${clean(event.reason)})` : ''
      return `* [${event.shortId}] ${event.name} ${arrow} ${names(event.peer.peerId, event.peer.name)}: ${STATE_TEXT[event.state] ?? event.state}${why}`
    }
    case 'progress': {
      const doing = event.phase === 'hashing' ? 'hashing' : event.direction === 'out' ? 'sending' : 'receiving'
      return `  [${event.shortId}] ${doing} ${event.name} ${percent(event.bytes, event.size)}% ${formatBytes(event.bytes)}/${formatBytes(event.size)} ${formatRate(event.rate)} ETA ${formatEta(event.etaSeconds)}`
    }
    case 'done':
      return event.direction === 'in'
        ? `* [${event.shortId}] saved ${event.path ?? event.name} (${formatBytes(event.size)}, sha256 ${event.sha256} verified)`
        : `* [${event.shortId}] ${names(event.peer.peerId, event.peer.name)} received ${event.name} (sha256 verified)`
    case 'transfers':
      if (event.transfers.length === 0) {
        return '* no transfers'
      }
      return event.transfers
        .map((t) => {
          const arrow = t.direction === 'out' ? '->' : '<-'
          const who = `${names(t.peer.peerId, t.peer.name)}${t.known ? '' : ' (unknown)'}`
          const progress = t.state === 'transferring' || t.state === 'waiting' ? ` ${percent(t.bytes, t.size)}%` : ''
          return `  ${t.shortId.padEnd(8)} ${arrow} ${who.padEnd(16)} ${t.name} (${formatBytes(t.size)}) ${t.state}${progress}`
        })
        .join('\n')
  }
}

/** Presence sync frames; decoders take untrusted bytes and throw InvalidMessageError or MessageTooLargeError only. */
import type { Uint8ArrayList } from 'uint8arraylist'
import type { Bytes } from '../common/bytes.ts'
import { safeDecode } from '../common/decode.ts'
import { InvalidMessageError } from '../common/errors.ts'
import {
  ENTRY_OVERHEAD_BYTES,
  MAX_FROM_BYTES,
  MAX_PAGE_BYTES,
  MAX_PAGE_ENTRIES,
  MAX_SIGNATURE_BYTES,
  MAX_SIGNED_DATA_BYTES,
  MAX_SYNC_ENTRIES
} from './constants.ts'
import { PresenceSyncPage, PresenceSyncRequest } from './pb/presence-sync.ts'

/** A presence announcement exactly as its author signed it on the presence topic. */
export interface SignedAnnouncement {
  /** the author's PeerId as multihash bytes */
  from: Bytes
  /** 8 bytes, big-endian */
  seqno: Bytes
  data: Bytes
  signature: Bytes
}

/** One announcement of an answer, and how long ago the answering peer last heard from its author. */
export interface SyncEntry {
  announcement: SignedAnnouncement
  ageMs: number
}

export function encodeRequest(limit: number): Uint8Array {
  return PresenceSyncRequest.encode({ limit: Math.min(Math.max(0, Math.floor(limit)), MAX_SYNC_ENTRIES) })
}

/** The number of entries asked for, within MAX_SYNC_ENTRIES (0 asks for as many as there are). */
export function decodeRequest(bytes: Uint8Array | Uint8ArrayList): number {
  const { limit } = safeDecode(bytes, MAX_PAGE_BYTES, (b) => PresenceSyncRequest.decode(b))
  return limit === 0 ? MAX_SYNC_ENTRIES : Math.min(limit, MAX_SYNC_ENTRIES)
}

/** Bytes an entry may take in a page, at most. */
export function entrySize(entry: SyncEntry): number {
  const { from, data, signature } = entry.announcement
  return from.byteLength + data.byteLength + signature.byteLength + ENTRY_OVERHEAD_BYTES
}

/**
 * Splits entries into pages of at most MAX_PAGE_BYTES and MAX_PAGE_ENTRIES each, in order, the last marked as such
 * (no entries: one empty last page).
 */
export function encodePages(entries: Iterable<SyncEntry>): Uint8Array[] {
  const pages: Uint8Array[] = []
  let page: SyncEntry[] = []
  let bytes = 0
  for (const entry of entries) {
    const size = entrySize(entry)
    if (page.length > 0 && (bytes + size > MAX_PAGE_BYTES || page.length === MAX_PAGE_ENTRIES)) {
      pages.push(PresenceSyncPage.encode({ entries: page, last: false }))
      page = []
      bytes = 0
    }
    page.push(entry)
    bytes += size
  }
  pages.push(PresenceSyncPage.encode({ entries: page, last: true }))
  return pages
}

/** One page of an answer, every entry's fields within their limits. */
export function decodePage(bytes: Uint8Array | Uint8ArrayList): { entries: SyncEntry[]; last: boolean } {
  const page = safeDecode(bytes, MAX_PAGE_BYTES, (b) =>
    PresenceSyncPage.decode(b, { limits: { entries: MAX_PAGE_ENTRIES } })
  )
  const entries = page.entries.map((entry) => {
    const a = entry.announcement
    if (a == null) {
      throw new InvalidMessageError('an entry without its announcement')
    }
    if (a.from.byteLength === 0 || a.from.byteLength > MAX_FROM_BYTES) {
      throw new InvalidMessageError('bad author')
    }
    if (a.seqno.byteLength !== 8) {
      throw new InvalidMessageError('a sequence number is 8 bytes')
    }
    if (a.data.byteLength === 0 || a.data.byteLength > MAX_SIGNED_DATA_BYTES) {
      throw new InvalidMessageError('bad announcement size')
    }
    if (a.signature.byteLength === 0 || a.signature.byteLength > MAX_SIGNATURE_BYTES) {
      throw new InvalidMessageError('bad signature size')
    }
    return { announcement: a, ageMs: entry.ageMs }
  })
  return { entries, last: page.last }
}

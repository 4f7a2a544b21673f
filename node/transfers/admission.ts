import { MAX_OFFER_TTL_MS, MIN_OFFER_TTL_MS } from '../../protocols/file/index.ts'
import type { TransferRecord } from './store.ts'

/**
 * Who may leave how many unanswered offers with us. PeerIds cost nothing, so caps per peer alone do not hold: peers
 * we know (we exchanged a file with them, or the node vouches for them) get most of the room, strangers together a
 * share of it, and an offer keeps counting against its sender for a while after it expired or was withdrawn, so
 * short-lived offers cannot be sent without end (each is shown and written to disk).
 */
export interface OfferLimits {
  /** unanswered offers one known peer may hold, counted over `windowMs` */
  perKnownPeer: number
  /** the same for a stranger */
  perStranger: number
  /** unanswered offers all strangers together may hold over `windowMs` */
  strangers: number
  /** pending offers from everyone together */
  total: number
  /** how long an offer that was never answered by us keeps counting against its sender */
  windowMs: number
  /** shortest lifetime we give an offer, whatever the sender asked for */
  minTtlMs: number
  /** longest lifetime we give a stranger's offer, so that strangers' offers do not sit in their share for a week */
  strangerMaxTtlMs: number
}

/** Unanswered offers one peer may have pending with us. */
export const MAX_PENDING_OFFERS_PER_PEER = 32

/** Unanswered offers from everyone together: PeerIds cost nothing, so one per-peer cap is not enough. */
export const MAX_PENDING_OFFERS = 256

export const DEFAULT_OFFER_LIMITS: OfferLimits = {
  perKnownPeer: MAX_PENDING_OFFERS_PER_PEER,
  perStranger: 8,
  strangers: 64,
  total: MAX_PENDING_OFFERS,
  windowMs: 60 * 60 * 1000,
  minTtlMs: MIN_OFFER_TTL_MS,
  strangerMaxTtlMs: 24 * 60 * 60 * 1000
}

type Rec = Pick<TransferRecord, 'id' | 'direction' | 'peerId' | 'state' | 'createdAt' | 'dir'>

/** What to do with a new offer: take it (first expiring `evict`, a stranger's offer), or refuse it. */
export type OfferAdmission = { admit: true; evict?: string } | { admit: false; reason: string }

/** True for an incoming offer we never accepted nor declined: it counts against its sender. */
function unanswered(rec: Rec): boolean {
  return rec.direction === 'in' && rec.dir == null && rec.state !== 'declined'
}

/** True while an unanswered offer still counts: pending, or ended (expired, withdrawn) within the window. */
export function holdsSlot(rec: Rec, now: number, limits: OfferLimits = DEFAULT_OFFER_LIMITS): boolean {
  return unanswered(rec) && (rec.state === 'offered' || now - rec.createdAt < limits.windowMs)
}

/** True for an unanswered offer that ended and stopped counting: its record can be forgotten. */
export function isStale(rec: Rec, now: number, limits: OfferLimits = DEFAULT_OFFER_LIMITS): boolean {
  return unanswered(rec) && rec.state !== 'offered' && !holdsSlot(rec, now, limits)
}

/** Decides, without I/O, whether an offer from `peerId` fits the limits given the records we hold. */
export function admitOffer(
  records: Iterable<Rec>,
  peerId: string,
  known: (peerId: string) => boolean,
  now: number,
  limits: OfferLimits = DEFAULT_OFFER_LIMITS
): OfferAdmission {
  const isKnown = known(peerId)
  let fromPeer = 0
  let fromStrangers = 0
  let pending = 0
  let newestStranger: Rec | undefined
  for (const rec of records) {
    if (!holdsSlot(rec, now, limits)) {
      continue
    }
    const stranger = !known(rec.peerId)
    fromPeer += rec.peerId === peerId ? 1 : 0
    fromStrangers += stranger ? 1 : 0
    if (rec.state === 'offered') {
      pending++
      if (stranger && (newestStranger == null || rec.createdAt >= newestStranger.createdAt)) {
        newestStranger = rec
      }
    }
  }
  if (fromPeer >= (isKnown ? limits.perKnownPeer : limits.perStranger)) {
    return { admit: false, reason: 'too many offers from you are waiting for an answer' }
  }
  if (!isKnown && fromStrangers >= limits.strangers) {
    return { admit: false, reason: 'too many offers from unknown peers are waiting for an answer' }
  }
  if (pending < limits.total) {
    return { admit: true }
  }
  // full: a peer we know displaces the newest stranger's offer (newcomers go first), a stranger waits
  return isKnown && newestStranger != null
    ? { admit: true, evict: newestStranger.id }
    : { admit: false, reason: 'too many offers pending' }
}

/** The lifetime we give an offer: what the sender asked for, at least minTtlMs, and shorter for strangers. */
export function offerLifetime(askedMs: number, known: boolean, limits: OfferLimits = DEFAULT_OFFER_LIMITS): number {
  const longest = known ? MAX_OFFER_TTL_MS : limits.strangerMaxTtlMs
  return Math.min(Math.max(askedMs, limits.minTtlMs), longest)
}

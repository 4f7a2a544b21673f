/**
 * Things waiting for the user's /accept or /decline (group invitations now; file offers can join), found by one id.
 * Each kind gives its ids a distinct first letter ('i' for invitations), and an id may be shortened to any prefix
 * that only one pending offer has.
 */

/** No pending offer has that id. */
export class UnknownOfferError extends Error {
  static override readonly name = 'UnknownOfferError'
  override readonly name = 'UnknownOfferError'
}

/** Several pending offers start with what was typed. */
export class AmbiguousOfferError extends Error {
  static override readonly name = 'AmbiguousOfferError'
  override readonly name = 'AmbiguousOfferError'
}

/** One kind of pending offer: its name and current ids. */
export interface OfferKind<K extends string = string> {
  kind: K
  ids: string[]
}

/** Finds the one pending offer meant by `query`: an exact id, or a prefix only one id has. */
export function resolveOffer<K extends string>(query: string, kinds: Array<OfferKind<K>>): { kind: K; id: string } {
  const q = query.trim()
  const all = kinds.flatMap((k) => k.ids.map((id) => ({ kind: k.kind, id })))
  const exact = all.find((o) => o.id === q)
  if (exact != null) {
    return exact
  }
  const matches = q.length > 0 ? all.filter((o) => o.id.startsWith(q)) : []
  if (matches.length === 1) {
    return matches[0]
  }
  if (matches.length > 1) {
    throw new AmbiguousOfferError(`'${q}' could be ${matches.map((m) => m.id).join(' or ')}: type more of it`)
  }
  throw new UnknownOfferError(
    all.length === 0 ? 'nothing is waiting for an answer' : `no pending invitation or offer '${q}' (see /invites)`
  )
}

import { nameSkeleton } from '../protocols/common/index.ts'
import { AmbiguousNameError, SelfMessageError, UnknownUserError } from './errors.ts'

/** A peer as people see it: the PeerId is the identity, the name only a label. */
export interface User {
  peerId: string
  name: string
  /** the name, with a PeerId suffix (`alice#3fa9`) when another online user has the same name */
  displayName: string
}

interface Named {
  peerId: string
  name: string
}

const SUFFIX_LENGTH = 4

/** Names that look the same to a person compare equal: case and compatibility forms are folded. */
function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase()
}

function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b)
}

/** `user`'s display name among `twins`, the other users with the same name. */
function displayNameAmong(user: Named, twins: Named[]): string {
  if (twins.length === 0) {
    return user.name
  }
  let length = SUFFIX_LENGTH
  while (length < user.peerId.length && twins.some((t) => t.peerId.endsWith(user.peerId.slice(-length)))) {
    length++
  }
  return `${user.name}#${user.peerId.slice(-length)}`
}

/**
 * Whether two names need suffixes to be told apart: equal ignoring case, or look-alikes (same confusable skeleton,
 * e.g. Latin `alice` and Cyrillic `аlice`). Finding a user by name still needs the name itself, so typing `alice`
 * never reaches the look-alike.
 */
function confusable(a: string, b: string): boolean {
  return sameName(a, b) || nameSkeleton(a) === nameSkeleton(b)
}

/** Gives each user a display name; equal or look-alike names get a PeerId suffix long enough to differ. */
export function withDisplayNames(users: Named[]): User[] {
  const byName = new Map<string, Named[]>()
  const bySkeleton = new Map<string, Named[]>()
  for (const user of users) {
    for (const [map, key] of [
      [byName, nameKey(user.name)],
      [bySkeleton, nameSkeleton(user.name)]
    ] as const) {
      map.set(key, [...(map.get(key) ?? []), user])
    }
  }
  return users.map((user) => {
    const twins = new Set([
      ...(byName.get(nameKey(user.name)) ?? []),
      ...(bySkeleton.get(nameSkeleton(user.name)) ?? [])
    ])
    twins.delete(user)
    return {
      ...user,
      displayName: displayNameAmong(
        user,
        [...twins].filter((u) => u.peerId !== user.peerId)
      )
    }
  })
}

/** One user's display name as it would be among `users` (who need not include it). */
export function displayUser(user: Named, users: Named[]): User {
  const twins = users.filter((u) => u.peerId !== user.peerId && confusable(u.name, user.name))
  return { ...user, displayName: displayNameAmong(user, twins) }
}

/** The user as currently displayed; falls back to the name a message carried if presence has not caught up. */
export function userFor(users: User[], peerId: string, fallbackName: string): User {
  return users.find((u) => u.peerId === peerId) ?? displayUser({ peerId, name: fallbackName }, users)
}

/**
 * Finds the one user meant by `query`: a full PeerId, `name#suffix`, or a name that only one user has.
 * Never guesses between two users of the same name, so nobody can take over a name to receive someone's DMs.
 */
export function resolveUser(query: string, users: User[]): User {
  const byId = users.find((u) => u.peerId === query)
  if (byId != null) {
    return byId
  }
  const hash = query.lastIndexOf('#')
  if (hash > 0) {
    const name = query.slice(0, hash)
    const suffix = query.slice(hash + 1)
    const matches = users.filter((u) => sameName(u.name, name) && suffix.length > 0 && u.peerId.endsWith(suffix))
    return pickOne(query, matches)
  }
  return pickOne(
    query,
    users.filter((u) => sameName(u.name, query))
  )
}

function pickOne(query: string, matches: User[]): User {
  if (matches.length === 1) {
    return matches[0]
  }
  if (matches.length === 0) {
    throw new UnknownUserError(`no online user called '${query}' (try /users)`)
  }
  const candidates = matches.map((m) => m.displayName)
  throw new AmbiguousNameError(`'${query}' could be ${candidates.join(' or ')}: say which one`, candidates)
}

/**
 * Like resolveUser(), among the others only (`users` starts with ourselves, as ChatNode.users() lists them): sharing
 * our name must not make a DM ambiguous, and naming ourselves is its own error.
 */
export function resolveRecipient(query: string, users: User[]): User {
  const [me, ...others] = users
  try {
    return resolveUser(query, others)
  } catch (err) {
    if (err instanceof UnknownUserError && resolveUser(query, users).peerId === me.peerId) {
      throw new SelfMessageError('that is you')
    }
    throw err
  }
}

import { AmbiguousNameError, UnknownUserError } from './errors.ts'

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

/** Gives each user a display name; equal names (ignoring case) get a PeerId suffix long enough to differ. */
export function withDisplayNames(users: Named[]): User[] {
  const byName = new Map<string, Named[]>()
  for (const user of users) {
    const key = nameKey(user.name)
    byName.set(key, [...(byName.get(key) ?? []), user])
  }
  return users.map((user) => ({
    ...user,
    displayName: displayNameAmong(
      user,
      (byName.get(nameKey(user.name)) ?? []).filter((u) => u.peerId !== user.peerId)
    )
  }))
}

/** One user's display name as it would be among `users` (who need not include it). */
export function displayUser(user: Named, users: Named[]): User {
  const twins = users.filter((u) => u.peerId !== user.peerId && sameName(u.name, user.name))
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

import { AmbiguousGroupError, SHORT_ID_LENGTH, UnknownGroupError } from '../../protocols/group/index.ts'

export interface GroupCandidate {
  id: string
  name: string
}

/** Shortest id prefix accepted on its own, so that a typo rarely hits another group. */
const MIN_PREFIX = 4

function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0
}

/** How a group is shown when it must be told apart from others: `name#shortid`. */
export function groupLabel(g: GroupCandidate): string {
  return `${g.name}#${g.id.slice(0, SHORT_ID_LENGTH)}`
}

function pick<T extends GroupCandidate>(query: string, matches: T[]): T | undefined {
  if (matches.length === 1) {
    return matches[0]
  }
  if (matches.length > 1) {
    throw new AmbiguousGroupError(`'${query}' could be ${matches.map(groupLabel).join(' or ')}: say which one`)
  }
  return undefined
}

/**
 * The one group meant by `query`: its id, `name#idprefix`, a name only one group has (ignoring case), or an id
 * prefix of at least four characters. Never guesses between two groups.
 */
export function resolveGroup<T extends GroupCandidate>(query: string, candidates: T[], what = 'group'): T {
  const q = query.trim()
  const exact = candidates.find((g) => g.id === q)
  if (exact != null) {
    return exact
  }
  const hash = q.lastIndexOf('#')
  if (hash > 0) {
    const name = q.slice(0, hash)
    const prefix = q.slice(hash + 1).toLowerCase()
    const hit = pick(
      q,
      candidates.filter((g) => sameName(g.name, name) && prefix.length > 0 && g.id.startsWith(prefix))
    )
    if (hit != null) {
      return hit
    }
  }
  const byName = pick(
    q,
    candidates.filter((g) => sameName(g.name, q))
  )
  if (byName != null) {
    return byName
  }
  const byPrefix =
    q.length >= MIN_PREFIX
      ? pick(
          q,
          candidates.filter((g) => g.id.startsWith(q.toLowerCase()))
        )
      : undefined
  if (byPrefix != null) {
    return byPrefix
  }
  throw new UnknownGroupError(`no ${what} called '${q}' (see /groups)`)
}

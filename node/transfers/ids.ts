import { AmbiguousTransferError, UnknownTransferError } from '../../protocols/file/index.ts'

/** Shortest prefix shown for a transfer id. */
export const MIN_SHORT_ID = 6

/** The shortest prefix of `id` (at least MIN_SHORT_ID characters) that no other id in `all` shares. */
export function shortId(id: string, all: Iterable<string>): string {
  let length = MIN_SHORT_ID
  for (const other of all) {
    if (other === id) {
      continue
    }
    while (length < id.length && other.startsWith(id.slice(0, length))) {
      length++
    }
  }
  return id.slice(0, length)
}

/** The one id that starts with what the user typed; throws when none or several do. */
export function resolveId(prefix: string, all: Iterable<string>): string {
  const wanted = prefix.trim().toLowerCase()
  if (wanted.length === 0) {
    throw new UnknownTransferError('give a transfer id (see /transfers)')
  }
  const ids = [...all]
  const exact = ids.find((id) => id === wanted)
  if (exact != null) {
    return exact
  }
  const matches = ids.filter((id) => id.startsWith(wanted))
  if (matches.length === 1) {
    return matches[0]
  }
  if (matches.length === 0) {
    throw new UnknownTransferError(`no transfer with id ${prefix} (see /transfers)`)
  }
  const shown = matches.map((id) => shortId(id, ids))
  throw new AmbiguousTransferError(`${prefix} could be ${shown.join(' or ')}: type more of the id`)
}

/** Which of our relays `/admin @<relay> ...` means. */
export type RelayPick = { kind: 'one'; id: string } | { kind: 'none' } | { kind: 'many'; ids: string[] }

/** The fewest characters of a PeerId that may name a relay: fewer would match one by accident. */
export const MIN_RELAY_SELECTOR_CHARS = 4

/** A relay by its PeerId, or by its start or end (at least MIN_RELAY_SELECTOR_CHARS), among `ids`. */
export function pickRelayById(selector: string, ids: readonly string[]): RelayPick {
  if (ids.includes(selector)) {
    return { kind: 'one', id: selector }
  }
  if (selector.length < MIN_RELAY_SELECTOR_CHARS) {
    return { kind: 'none' }
  }
  return picked(ids.filter((id) => id.startsWith(selector) || id.endsWith(selector)))
}

/**
 * A relay by PeerId (see pickRelayById), else by the name its admins gave it (case does not matter), which only a
 * relay we are an admin of tells us: `nameOf` resolves undefined for the others.
 */
export async function pickRelay(
  selector: string,
  ids: readonly string[],
  nameOf: (id: string) => Promise<string | undefined>
): Promise<RelayPick> {
  const byId = pickRelayById(selector, ids)
  if (byId.kind !== 'none') {
    return byId
  }
  const wanted = selector.toLowerCase()
  const names = await Promise.all(ids.map((id) => nameOf(id).catch(() => undefined)))
  return picked(ids.filter((_, i) => names[i]?.toLowerCase() === wanted))
}

function picked(ids: string[]): RelayPick {
  if (ids.length === 1) {
    return { kind: 'one', id: ids[0] }
  }
  return ids.length === 0 ? { kind: 'none' } : { kind: 'many', ids }
}

/** A setting's value as the admin protocol carries it (JSON text), when it is a string. */
export function settingText(json: string | undefined): string | undefined {
  try {
    const value: unknown = json == null ? undefined : JSON.parse(json)
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

import { InvalidArgumentError } from 'commander'
import { parseMultiaddr } from '../node/auto-dialer.ts'
import { validateName } from '../protocols/common/index.ts'

/** commander argParser for a repeatable multiaddr option. */
export function collectMultiaddr(value: string, previous: string[] = []): string[] {
  try {
    parseMultiaddr(value)
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err))
  }
  return [...previous, value]
}

/** commander argParser for --name. */
export function nameArg(value: string): string {
  try {
    return validateName(value)
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err))
  }
}

/** commander argParser for --relay: a multiaddr that names the relay's PeerId. */
export function collectRelayAddr(value: string, previous: string[] = []): string[] {
  const all = collectMultiaddr(value, previous)
  if (!/\/p2p\/[^/]+$/.test(value)) {
    throw new InvalidArgumentError(`'${value}' must end in /p2p/<relay PeerId> (the relay prints its full addresses)`)
  }
  return all
}

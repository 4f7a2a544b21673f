import { BoundedMap } from '../protocols/common/index.ts'
/** Someone the relay has seen: kept across restarts so admins can ban people by name while they are away. */
export interface KnownUser {
  peerId: string
  name: string
  firstSeen: number
  lastSeen: number
}

/** Users remembered at most; the least recently seen go first. */
export const MAX_KNOWN_USERS = 10_000

/** Lower bound between two updates of one user's lastSeen, so heartbeats do not mark the state dirty every time. */
const LAST_SEEN_RESOLUTION_MS = 60_000

/** The directory of known users, bounded, most recently seen last. Pure: the caller passes the clock. */
export class KnownUsers {
  private readonly users: BoundedMap<string, KnownUser>

  constructor(users: KnownUser[] = [], max = MAX_KNOWN_USERS) {
    this.users = new BoundedMap(max)
    for (const user of [...users].sort((a, b) => a.lastSeen - b.lastSeen)) {
      this.users.set(user.peerId, { ...user })
    }
  }

  /** Records that `peerId` was seen as `name`; true when something worth saving changed. */
  seen(peerId: string, name: string, now: number): boolean {
    const user = this.users.get(peerId)
    if (user == null) {
      this.users.set(peerId, { peerId, name, firstSeen: now, lastSeen: now })
      return true
    }
    if (user.name === name && now - user.lastSeen < LAST_SEEN_RESOLUTION_MS) {
      return false
    }
    this.users.set(peerId, { ...user, name, lastSeen: now })
    return true
  }

  get(peerId: string): KnownUser | undefined {
    return this.users.get(peerId)
  }

  list(): KnownUser[] {
    return [...this.users.values()]
  }

  get size(): number {
    return this.users.size
  }
}

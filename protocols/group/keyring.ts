import { BoundedMap } from '../common/bounded-map.ts'
import { MAX_OLD_KEYS } from './constants.ts'
import { hex, keyIdOf, type UnwrapIdentity, unwrapKey } from './crypto.ts'
import type { VerifiedEntry } from './entries.ts'

/**
 * The group keys sealed for us in a log, by key id. Keeps the newest MAX_OLD_KEYS + 1, so that posts sealed with
 * the previous key while a rotation spreads still open.
 */
export class Keyring {
  private readonly keys = new BoundedMap<string, Uint8Array>(MAX_OLD_KEYS + 1)

  constructor(private readonly me: UnwrapIdentity) {}

  /** Opens the keys sealed for us in `entries` (in log order); returns the ids of the keys learnt. */
  learn(entries: readonly VerifiedEntry[]): string[] {
    const learnt: string[] = []
    // only the newest rotations matter: opening every one of a long log on load would be wasted work
    const rotations = entries.filter((e) => e.keys != null).slice(-(MAX_OLD_KEYS + 1))
    for (const e of rotations) {
      const keys = e.keys!
      const key = unwrapKey(this.me, keys.ephemeral, keys.wrapped, {
        groupId: e.groupId,
        seq: e.seq,
        keyId: keys.keyId
      })
      if (key == null) {
        continue
      }
      const id = hex(keys.keyId.byteLength > 0 ? keys.keyId : keyIdOf(e.id))
      this.keys.set(id, key)
      learnt.push(id)
    }
    return learnt
  }

  get(keyId: Uint8Array): Uint8Array | undefined {
    return this.keys.get(hex(keyId))
  }

  has(keyId: Uint8Array): boolean {
    return this.keys.has(hex(keyId))
  }

  /** The keys we hold by id (hex), oldest first. */
  entries(): Array<[string, Uint8Array]> {
    return [...this.keys.entries()]
  }
}

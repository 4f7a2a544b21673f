import { sha256 } from '@noble/hashes/sha2.js'
import { ADMIN_REKEY_JITTER_MS, MEMBER_REKEY_STEP_MS } from './constants.ts'
import { hex } from './crypto.ts'
import type { GroupState } from './state.ts'

const encoder = new TextEncoder()

/**
 * The order in which plain members take over a rotation nobody privileged made: by a hash of the current key id
 * and the PeerId, so that it is the same on every member, differs from one rotation to the next, and cannot be
 * picked by choosing one's PeerId once.
 */
export function rotationOrder(s: GroupState, peerIds: readonly string[]): string[] {
  const keyed = peerIds.map((p) => ({ p, h: hex(sha256(new Uint8Array([...s.keyId, ...encoder.encode(p)]))) }))
  return keyed.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0)).map((k) => k.p)
}

/**
 * How long `me` waits before rotating a key that needs it (s.needsRekey), if nobody else has by then: the owner at
 * once, admins after `adminDelayMs` plus jitter (`random` in [0, 1)), plain members after twice that, one
 * MEMBER_REKEY_STEP_MS apart in rotation order among the members online (`online`, ourselves included either way).
 * Several rotations may still cross; the resolved state keeps one key and refuses a member's rotation that comes
 * after another (it no longer needs one).
 */
export function rekeyDelay(
  s: GroupState,
  me: string,
  online: readonly string[],
  adminDelayMs: number,
  random: number
): number {
  const role = s.members.get(me)?.role
  if (role === 'owner') {
    return 0
  }
  if (role === 'admin') {
    return adminDelayMs + random * ADMIN_REKEY_JITTER_MS
  }
  const present = new Set([...online, me])
  const plain = [...s.members.values()].filter((m) => m.role === 'member' && present.has(m.peerId))
  const position = rotationOrder(
    s,
    plain.map((m) => m.peerId)
  ).indexOf(me)
  return 2 * adminDelayMs + Math.max(0, position) * MEMBER_REKEY_STEP_MS
}

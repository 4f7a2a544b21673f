import type { GroupChange } from './changes.ts'
import type { GroupPost } from './codec.ts'
import type { Invitation } from './invitations.ts'
import type { Refusal } from './report.ts'

/** How a group is named in events (its state may be gone by the time one is handled, e.g. after removal). */
export interface GroupInfo {
  id: string
  name: string
  private: boolean
}

export interface GroupServiceEvents {
  /** a post from another member */
  post: CustomEvent<{ groupId: string; from: string; post: GroupPost; catchUp?: true }>
  /** one of our posts went out on `topic` as `data` (what catch-up keeps to serve to members who missed it) */
  published: CustomEvent<{ groupId: string; topic: string; data: Uint8Array }>
  change: CustomEvent<{ change: GroupChange; group: GroupInfo }>
  /** an invitation for us, checked against its log */
  invite: CustomEvent<Invitation>
  /** something a peer sent was refused (forged, unauthorized, malformed); the group is unchanged */
  rejected: CustomEvent<Refusal>
  /** a problem of ours (storage) */
  failure: CustomEvent<{ error: unknown; message: string }>
}

/** Dispatches one of the group service's events with a detail of the type its name says. */
export type EmitGroupEvent = <K extends keyof GroupServiceEvents>(
  type: K,
  detail: GroupServiceEvents[K]['detail']
) => void

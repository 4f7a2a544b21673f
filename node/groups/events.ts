import type { Role } from '../../protocols/group/index.ts'
import type { User } from '../users.ts'

/** How events and answers name a group. */
export interface GroupRef {
  id: string
  name: string
}

/** A pending invitation, as shown to the invitee. */
export interface InviteInfo {
  /** what /accept and /decline take */
  id: string
  group: GroupRef & { description: string; private: boolean; members: number }
  /** the admin who signed the invitation */
  from: User
  ts: number
}

/** Group events of ChatNode. `by` is who made the change, when known. */
export interface GroupEvents {
  /** we became a member: created, joined, or accepted an invitation */
  'group-joined': CustomEvent<{ group: GroupRef; private: boolean; role: Role; by?: User }>
  /** we are no longer a member: left, or removed by an admin */
  'group-left': CustomEvent<{ group: GroupRef; reason: 'left' | 'removed'; by?: User }>
  'member-added': CustomEvent<{ group: GroupRef; member: User; by?: User }>
  'member-invited': CustomEvent<{ group: GroupRef; member: User; by?: User }>
  /** 'uninvited': a pending invitation was withdrawn (or declined) */
  'member-removed': CustomEvent<{ group: GroupRef; member: User; reason: 'removed' | 'left' | 'uninvited'; by?: User }>
  'member-role': CustomEvent<{ group: GroupRef; member: User; role: Role; by?: User }>
  'group-updated': CustomEvent<{ group: GroupRef; description: string; by?: User }>
  /** a private group's key was rotated; `epoch` counts the keys so far */
  'group-rekeyed': CustomEvent<{ group: GroupRef; epoch: number; by?: User }>
  /** an invitation for us, checked against the group's log */
  invite: CustomEvent<InviteInfo>
}

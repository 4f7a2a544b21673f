import type { GroupRef } from '../node/groups/events.ts'

interface PeerRef {
  peerId: string
  name: string
}

type Names = (peerId: string, fallback: string) => string

/** Group events of the JSON contract (see docs/groups.md). `by` is absent when we made the change ourselves. */
export type GroupOutputEvent =
  | {
      type: 'groups'
      groups: Array<GroupRef & { description: string; private: boolean; members: number; role?: string }>
    }
  | { type: 'group-joined'; group: GroupRef; private: boolean; role: string; by?: PeerRef }
  | { type: 'group-left'; group: GroupRef; reason: 'left' | 'removed'; by?: PeerRef }
  | { type: 'member-added'; group: GroupRef; member: PeerRef; by?: PeerRef }
  | { type: 'member-invited'; group: GroupRef; member: PeerRef; by?: PeerRef }
  | { type: 'member-removed'; group: GroupRef; member: PeerRef; reason: 'removed' | 'left' | 'uninvited'; by?: PeerRef }
  | { type: 'member-role'; group: GroupRef; member: PeerRef; role: string; by?: PeerRef }
  | { type: 'group-updated'; group: GroupRef; description: string; by?: PeerRef }
  | { type: 'group-rekeyed'; group: GroupRef; epoch: number; by?: PeerRef }
  | {
      type: 'invite'
      id: string
      group: GroupRef & { description: string; private: boolean; members: number }
      from: PeerRef
      ts: number
    }
  | {
      type: 'invites'
      invites: Array<{ id: string; group: GroupRef & { private: boolean }; from: PeerRef; ts: number }>
    }
  | { type: 'invite-sent'; group: GroupRef; to: PeerRef; delivered: boolean }
  | { type: 'invite-declined'; id: string; group: GroupRef; notified: boolean }
  | {
      type: 'members'
      group: GroupRef
      /** keys introduced so far, and the current key's id (hex; empty in public groups) */
      epoch: number
      keyId: string
      members: Array<PeerRef & { displayName: string; role: string; online: boolean; self: boolean }>
    }
  /** the room plain text goes to; null is the lobby */
  | { type: 'room'; room: GroupRef | null }

const label = (g: GroupRef): string => `[${g.name}]`

// Group names and descriptions come from other peers: the same control-character rules as message text apply.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/g
const clean = (text: string): string => text.replace(UNSAFE, '\uFFFD')

/** A human-readable line for a group event in line mode. */
export function groupTextLine(event: GroupOutputEvent, names: Names): string {
  const who = (p: PeerRef): string => names(p.peerId, p.name)
  const by = (p: PeerRef | undefined): string => (p == null ? '' : ` by ${who(p)}`)
  switch (event.type) {
    case 'groups':
      return event.groups.length === 0
        ? '* no groups yet (create one with /group create <name>)'
        : [
            '* groups:',
            ...event.groups.map(
              (g) =>
                `  ${clean(g.name).padEnd(20)} ${g.id.slice(0, 6)}  ${g.private ? 'private' : 'public '}  ${String(g.members).padStart(3)} members  ${g.role ?? 'not joined'}${g.description ? `  - ${clean(g.description)}` : ''}`
            )
          ].join('\n')
    case 'group-joined': {
      const typed = event.group.name.includes(' ') ? `"${event.group.name}"` : event.group.name
      return `* you are in ${label(event.group)} (${event.private ? 'private' : 'public'}, ${event.role})${by(event.by)}; /g ${typed} <text> to post`
    }
    case 'group-left':
      return event.reason === 'removed'
        ? `* you were removed from ${label(event.group)}${by(event.by)}`
        : `* you left ${label(event.group)}`
    case 'member-added':
      return `* ${label(event.group)} ${who(event.member)} joined${by(event.by)}`
    case 'member-invited':
      return `* ${label(event.group)} ${who(event.member)} was invited${by(event.by)}`
    case 'member-removed':
      return `* ${label(event.group)} ${who(event.member)} ${event.reason === 'left' ? 'left' : event.reason === 'uninvited' ? 'is no longer invited' : 'was removed'}${by(event.by)}`
    case 'member-role':
      return `* ${label(event.group)} ${who(event.member)} is now ${event.role}${by(event.by)}`
    case 'group-updated':
      return `* ${label(event.group)} is now named ${clean(event.group.name)}${event.description ? ` - ${clean(event.description)}` : ''}${by(event.by)}`
    case 'group-rekeyed':
      return `* ${label(event.group)} has a new key (#${event.epoch})${by(event.by)}`
    case 'invite':
      return `* ${who(event.from)} invites you to ${label(event.group)} (${event.group.private ? 'private' : 'public'}, ${event.group.members} members): /accept ${event.id} or /decline ${event.id}`
    case 'invites':
      return event.invites.length === 0
        ? '* no pending invitations'
        : ['* invitations:', ...event.invites.map((i) => `  ${i.id}  ${label(i.group)} from ${who(i.from)}`)].join('\n')
    case 'invite-sent':
      return event.delivered
        ? `* invited ${who(event.to)} to ${label(event.group)}`
        : `* invited ${who(event.to)} to ${label(event.group)}; they get it when they are next online`
    case 'invite-declined':
      return `* declined the invitation to ${label(event.group)}${event.notified ? '' : ' (the inviter could not be told)'}`
    case 'members':
      return [
        `* ${label(event.group)} members (${event.members.filter((m) => m.role !== 'invited').length}):`,
        ...event.members.map(
          (m) => `  ${m.displayName}${m.self ? ' (you)' : ''}  ${m.role}${m.online ? '' : '  (offline)'}`
        )
      ].join('\n')
    case 'room':
      return event.room == null ? '* plain text now goes to the lobby' : `* plain text now goes to ${label(event.room)}`
  }
}

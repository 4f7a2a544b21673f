import type { GroupEvents, GroupRef } from './groups/events.ts'
import type { User } from './users.ts'

/** A chat message received (or, for `sent`, sent by us). */
export interface ChatMessage {
  id: string
  scope: 'lobby' | 'dm' | 'group'
  from: User
  /** the recipient of a DM */
  to?: User
  /** the group of a group message */
  group?: GroupRef
  text: string
  /** sender's clock, ms since the epoch */
  ts: number
}

export interface SentInfo {
  id: string
  scope: 'lobby' | 'dm' | 'group'
  to?: User
  group?: GroupRef
  text: string
  ts: number
  /** lobby and groups: peers the message was handed to directly (0 means nobody heard it) */
  recipients?: number
}

/** Something that went wrong in the background; the node keeps running. */
export interface ChatErrorInfo {
  code: string
  message: string
  /** the peer that caused it, if any */
  peerId?: string
}

/** The events of ChatNode: the contract every front end (CLI, relay, browser) renders. */
export interface ChatEvents extends GroupEvents {
  message: CustomEvent<ChatMessage>
  sent: CustomEvent<SentInfo>
  join: CustomEvent<User>
  leave: CustomEvent<User & { reason: 'left' | 'timeout' | 'unreachable' }>
  delivered: CustomEvent<{ id: string; to: User }>
  error: CustomEvent<ChatErrorInfo>
}

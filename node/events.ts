import type { GroupEvents, GroupRef } from './groups/events.ts'
import type { PurgeCounts } from './history.ts'
import type { RelayNoticeEvent, RelayStatus } from './relay-client.ts'
import type { TransferEvents } from './transfers/book.ts'
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

/** The events of ChatNode: the contract a front end renders (today the CLI; the relay does not use ChatNode). */
export interface ChatEvents extends GroupEvents {
  message: CustomEvent<ChatMessage>
  sent: CustomEvent<SentInfo>
  join: CustomEvent<User>
  /** also when we block someone (`blocked`) or they destroy their account (`deleted`) */
  leave: CustomEvent<User & { reason: 'left' | 'timeout' | 'unreachable' | 'blocked' | 'deleted' }>
  delivered: CustomEvent<{ id: string; to: User }>
  error: CustomEvent<ChatErrorInfo>
  /** a file transfer appeared or changed state */
  transfer: TransferEvents['transfer']
  /** a moving transfer's progress, a few times a second */
  'transfer-progress': TransferEvents['transfer-progress']
  /** a relay we use granted, lost or refused us a slot */
  relay: CustomEvent<RelayStatus>
  /** something one of our relays told us (announcement, message from its admins, kick, shutdown) */
  notice: CustomEvent<RelayNoticeEvent>
  /** the retention timer deleted expired messages (counts per scope) */
  purged: CustomEvent<PurgeCounts>
}

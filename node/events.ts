import type { RelayNotice } from '../protocols/notice/index.ts'
import type { GroupEvents, GroupRef } from './groups/events.ts'
import type { RetentionScope } from './retention.ts'
import type { TransferEvents } from './transfers/events.ts'
import type { User } from './users.ts'

// The types every front end shares, at the bottom of node/: this module imports only other type modules (events,
// errors, users) and pure leaves, so any part of the core can use them without a cycle.

/** How a relay we use is doing. */
export interface RelayStatus {
  relay: string
  /** reserved: reachable through it; lost: connection gone, retrying; unreachable: cannot connect or reserve */
  state: 'reserved' | 'lost' | 'unreachable'
  /** our addresses through this relay (when reserved) */
  addrs: string[]
  message?: string
}

export interface RelayNoticeEvent {
  relay: string
  notice: RelayNotice
}

/** How a connected peer is reached: over a connection of our own (LAN, or WebRTC through NAT), or only through a relay. */
export type Route = 'direct' | 'relay'

/** A connected peer and how it is reached now. */
export type RouteInfo = User & { via: Route }

/** Messages removed per retention scope. */
export type PurgeCounts = Record<RetentionScope, number>

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
  /** it came by catch-up: sent while we were away or cut off, shown now (lobby and groups) */
  catchUp?: true
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
  /**
   * the DM it is about (DELIVERY_FAILED, DM_EXPIRED, MAILBOX_FULL, and an error that ended a DM after its `sent`:
   * NO_PREKEYS, DELIVERY_REFUSED), if any
   */
  id?: string
}

/** A DM waiting in the outbox: `via` says where it waits ("outbox", then "relay:<relay PeerId>" per deposit). */
export interface QueuedDm {
  id: string
  to: User
  via: string[]
  /** when it was sent and when it expires undelivered, ms since the epoch */
  ts: number
  expiresAt: number
}

/** The events of ChatNode: the contract a front end renders (today the CLI; the relay does not use ChatNode). */
export interface ChatEvents extends GroupEvents {
  message: CustomEvent<ChatMessage>
  sent: CustomEvent<SentInfo>
  join: CustomEvent<User>
  /** also when we block someone (`blocked`) or they destroy their account (`deleted`) */
  leave: CustomEvent<User & { reason: 'left' | 'timeout' | 'unreachable' | 'blocked' | 'deleted' }>
  delivered: CustomEvent<{ id: string; to: User }>
  /** a DM the recipient could not take now: kept in the outbox and deposited at its relays */
  queued: CustomEvent<{ id: string; to: User; via: string[] }>
  error: CustomEvent<ChatErrorInfo>
  /** a file transfer appeared or changed state */
  transfer: TransferEvents['transfer']
  /** a moving transfer's progress, a few times a second */
  'transfer-progress': TransferEvents['transfer-progress']
  /** a relay we use granted, lost or refused us a slot */
  relay: CustomEvent<RelayStatus>
  /** something one of our relays told us (announcement, message from its admins, kick, shutdown) */
  notice: CustomEvent<RelayNoticeEvent>
  /** a connected peer's route changed: reached directly or only through a relay */
  route: CustomEvent<RouteInfo>
  /** the retention timer deleted expired messages (counts per scope) */
  purged: CustomEvent<PurgeCounts>
}

/** The names of ChatNode's events. */
export type ChatEventName = keyof ChatEvents

/** What a ChatNode event of type `K` carries. */
export type ChatEventDetail<K extends ChatEventName> = ChatEvents[K]['detail']

/** A listener of one ChatNode event: the compiler checks the event name and every field read from `detail`. */
export type ChatEventListener<K extends ChatEventName> = (evt: ChatEvents[K]) => void

/** Subscribes to one ChatNode event by name (a misspelled name does not compile). */
export type OnChatEvent = <K extends ChatEventName>(type: K, listener: ChatEventListener<K>) => void

/** Dispatches one ChatNode event with a detail of the type its name says. */
export type EmitChatEvent = <K extends ChatEventName>(type: K, detail: ChatEventDetail<K>) => void

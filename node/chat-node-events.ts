import { peerIdFromString } from '@libp2p/peer-id'
import type { DeletionService } from '../protocols/deletion/index.ts'
import type { DirectMessages } from '../protocols/dm/index.ts'
import type { FileTransfer } from '../protocols/file/index.ts'
import type { LobbyService } from '../protocols/lobby/index.ts'
import type { PresenceService } from '../protocols/presence/index.ts'
import type { AccountControls } from './account/controls.ts'
import type { CatchUpNode } from './catchup/catch-up.ts'
import { ContactWrites } from './contact-writes.ts'
import { type ContactRelays, relaysFromAddrs } from './direct/contacts.ts'
import type { DirectUpgrade } from './direct-upgrade.ts'
import { errorCode } from './errors.ts'
import type { ChatMessage, EmitChatEvent } from './events.ts'
import type { MessageArchive } from './history.ts'
import type { RelayClient } from './relay-client.ts'
import type { TransferBook } from './transfers/book.ts'
import { displayUser, type User, userFor } from './users.ts'

/** What the node's event wiring listens to and calls: the services, and narrow views of the node's own parts. */
export interface ChatNodeEventsComponents {
  lobby: LobbyService
  dms: DirectMessages
  presence: PresenceService
  deletion: DeletionService
  relayClient: RelayClient
  /** asks a peer for every conversation: a relay whose connection is back */
  catchUp: Pick<CatchUpNode, 'peerBack'>
  directUpgrade: Pick<DirectUpgrade, 'addEventListener'>
  file: FileTransfer
  transfers: TransferBook
  controls: Pick<AccountControls, 'isBlocked' | 'onDeletionNotice'>
  archive: Pick<MessageArchive, 'save' | 'saveContact'>
  /** the relays each contact uses, for DMs while it is away */
  contactRelays: ContactRelays
  /** online users as shown, ourselves first */
  users(): User[]
  /** presence changed: the cached user list is stale */
  invalidateUsers(): void
  emit: EmitChatEvent
}

/** Turns the services' events into ChatNode events, storing what arrives and dropping what blocked peers send. */
export function wireChatNodeEvents(c: ChatNodeEventsComponents): void {
  wireMessages(c)
  wirePresence(c)
  wireTransfers(c)
  c.relayClient.addEventListener('status', (evt) => {
    c.emit('relay', evt.detail)
    if (evt.detail.state === 'reserved') {
      // the relay is back: our lobby posts that reached nobody meanwhile go out to whoever is there now, and what
      // others said meanwhile is asked of it (gossipsub may not tell us it is back on the topics: see gossip-streams.ts)
      c.lobby.resendUnheard()
      c.catchUp.peerBack(peerIdFromString(evt.detail.relay))
    } else if (evt.detail.state === 'lost') {
      c.lobby.relayLost()
    }
  })
  c.relayClient.addEventListener('notice', (evt) => {
    c.emit('notice', evt.detail)
  })
  c.directUpgrade.addEventListener('route', (evt) => {
    const { peerId, via } = evt.detail
    if (!c.controls.isBlocked(peerId)) {
      c.emit('route', { ...userFor(c.users(), peerId, ''), via })
    }
  })
  c.deletion.addEventListener('notice', (evt) => {
    const { from, notice } = evt.detail
    c.controls.onDeletionNotice(from.toString(), notice.ts).catch((err: unknown) => {
      emitError(c.emit, err, `could not forget a deleted account: ${err instanceof Error ? err.message : String(err)}`)
    })
  })
}

function wireMessages(c: ChatNodeEventsComponents): void {
  c.lobby.addEventListener('post', (evt) => {
    const { from, post, catchUp } = evt.detail
    if (c.controls.isBlocked(from.toString())) {
      return
    }
    const msg: ChatMessage = {
      id: post.id,
      scope: 'lobby',
      from: userFor(c.users(), from.toString(), post.senderName),
      text: post.text,
      ts: post.ts,
      ...(catchUp ? { catchUp } : {})
    }
    void remember(c.archive, c.emit, msg, 'lobby')
    c.emit('message', msg)
  })
  c.dms.addEventListener('message', (evt) => {
    const { from, dm } = evt.detail
    if (c.controls.isBlocked(from.toString())) {
      return
    }
    const msg: ChatMessage = {
      id: dm.id,
      scope: 'dm',
      from: userFor(c.users(), from.toString(), dm.senderName),
      to: c.users()[0],
      text: dm.text,
      ts: dm.ts
    }
    void remember(c.archive, c.emit, msg, from.toString())
    c.emit('message', msg)
  })
  c.dms.addEventListener('protocol-error', (evt) => {
    const { peer, error } = evt.detail
    emitError(c.emit, error, `bad DM stream from ${peer}: ${error.message}`, peer.toString())
  })
}

function wirePresence(c: ChatNodeEventsComponents): void {
  for (const type of ['join', 'rename', 'leave'] as const) {
    // registered first, so the handlers below already see the new list
    c.presence.addEventListener(type, () => {
      c.invalidateUsers()
    })
  }
  const contactWrites = new ContactWrites()
  const saveContact = (peerId: string, name: string, addrs: Uint8Array[]): void => {
    c.contactRelays.note(peerId, relaysFromAddrs(addrs))
    const relays = c.contactRelays.peek(peerId) ?? []
    // a change of relays is a change of the contact, like a new name
    if (contactWrites.shouldWrite(peerId, `${name} ${relays.join(' ')}`, Date.now())) {
      void c.archive.saveContact({ peerId, name, lastSeen: Date.now(), relays }).catch(() => {})
    }
  }
  c.presence.addEventListener('join', (evt) => {
    const user = userFor(c.users(), evt.detail.peerId, evt.detail.name)
    saveContact(user.peerId, user.name, evt.detail.addrs)
    if (!c.controls.isBlocked(user.peerId)) {
      c.emit('join', user)
    }
  })
  c.presence.addEventListener('rename', (evt) => {
    if (!c.controls.isBlocked(evt.detail.entry.peerId)) {
      c.emit('join', userFor(c.users(), evt.detail.entry.peerId, evt.detail.entry.name))
    }
  })
  c.presence.addEventListener('leave', (evt) => {
    const { entry, reason } = evt.detail
    if (c.controls.isBlocked(entry.peerId)) {
      return
    }
    // the addresses it left with name the relays it reserved on since it joined
    saveContact(entry.peerId, entry.name, entry.addrs)
    const user = displayUser({ peerId: entry.peerId, name: entry.name }, c.users())
    c.emit('leave', { ...user, reason })
  })
}

function wireTransfers(c: ChatNodeEventsComponents): void {
  c.transfers.addEventListener('transfer', (evt) => c.emit('transfer', evt.detail))
  c.transfers.addEventListener('transfer-progress', (evt) => c.emit('transfer-progress', evt.detail))
  c.transfers.addEventListener('offer-refused', (evt) => {
    const { peerId, peerName, name, code, reason } = evt.detail
    c.emit('error', { code, message: `refused ${peerName}'s offer of ${name}: ${reason}`, peerId })
  })
  c.file.addEventListener('protocol-error', (evt) => {
    const { peer, error } = evt.detail
    emitError(c.emit, error, `bad file transfer stream from ${peer}: ${error.message}`, peer.toString())
  })
}

/** Stores a message in the history of `conversation`; a failure becomes an `error` event, never a rejection. */
export async function remember(
  archive: Pick<MessageArchive, 'save'>,
  emit: EmitChatEvent,
  msg: ChatMessage,
  conversation: string
): Promise<void> {
  try {
    await archive.save({
      id: msg.id,
      scope: msg.scope,
      conversation,
      fromPeerId: msg.from.peerId,
      fromName: msg.from.name,
      text: msg.text,
      ts: msg.ts
    })
  } catch (err) {
    emitError(emit, err, `could not save message to history: ${err instanceof Error ? err.message : String(err)}`)
  }
}

function emitError(emit: EmitChatEvent, err: unknown, message: string, peerId?: string): void {
  emit('error', { code: errorCode(err), message, ...(peerId ? { peerId } : {}) })
}

/**
 * End-to-end encrypted DMs with delivery later: every DM is sealed with the account's sessions before it leaves;
 * one the recipient cannot take now waits in the outbox and in the mailboxes of its relays (see courier.ts).
 */
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  type AckStatus,
  DeliveryRefusedError,
  type DirectMessages,
  decodeContent,
  encodeContent,
  UndecryptableError
} from '../../protocols/dm/index.ts'
import type { PrekeyService } from '../../protocols/prekeys/index.ts'
import { DuplicateMessageError } from '../../protocols/session/index.ts'
import { endsDm, errorCode, isDiskFull } from '../errors.ts'
import type { ChatMessage, EmitChatEvent } from '../events.ts'
import type { EndToEnd } from '../sessions/end-to-end.ts'
import type { User } from '../users.ts'
import type { Courier } from './courier.ts'
import { DecryptFailedError, DIRECT_ERROR_CODES, NoPrekeysError } from './errors.ts'
import { RELAY_OP_TIMEOUT_MS } from './relays.ts'
import { identityKey, peerOfIdentity, sealFor } from './sealing.ts'

export interface SecureDmsComponents {
  e2e: EndToEnd
  dms: DirectMessages
  prekeys: PrekeyService
  courier: Pick<Courier, 'queue' | 'bundleOf' | 'receipt' | 'firstSight' | 'hasSeen'>
  name: string
  self: () => User
  /** a user as shown now, from a PeerId and the name we last knew */
  userOf: (peerId: string, name: string) => User
  isBlocked: (peerId: string) => boolean
  emit: EmitChatEvent
  remember: (msg: ChatMessage, conversation: string) => Promise<void>
  log: Logger
}

/** What became of one DM handed to send(). */
export interface SendOutcome {
  id: string
  to: User
  /** false: it waits in the outbox (and mailboxes) for the recipient */
  delivered: boolean
}

export class SecureDms {
  constructor(private readonly c: SecureDmsComponents) {}

  /**
   * Sends a DM: straight to the recipient when `online`, sealed; otherwise, or when that fails, queued. Emits
   * `sent` (at once when online, once sealed otherwise), then `delivered` or `queued`.
   */
  async send(to: User, text: string, online: boolean, options: AbortOptions = {}): Promise<SendOutcome> {
    const dm = { id: crypto.randomUUID(), ts: Date.now(), senderName: this.c.name, text }
    const content = encodeContent({ kind: 'message', dm })
    const peer = peerIdFromString(to.peerId)
    const msg: ChatMessage = { id: dm.id, scope: 'dm', from: this.c.self(), to, text, ts: dm.ts }
    let sealed: Uint8Array | undefined
    if (online) {
      this.c.emit('sent', { id: dm.id, scope: 'dm', to, text, ts: dm.ts })
      try {
        sealed = await this.sendDirect(peer, dm.id, content, options)
        await this.c.remember(msg, to.peerId)
        this.c.emit('delivered', { id: dm.id, to })
        return { id: dm.id, to, delivered: true }
      } catch (err) {
        // after `sent`, an error that ends the DM names it (NO_PREKEYS, DELIVERY_REFUSED)
        if (!(err instanceof SendFailed)) throw endsDm(err, dm.id)
        // the first DM to a peer whose prekeys did not come in time (a busy peer): sealed now, so that it can wait
        sealed =
          err.sealed ??
          (await this.sealForOutbox(peer, content).catch((e: unknown) => {
            throw endsDm(e, dm.id)
          }))
        // said at once, so nobody waits on a peer that refuses us; the DM itself is not lost
        const reason = err.cause instanceof Error ? err.cause.message : String(err.cause)
        this.c.emit('error', {
          code: 'DELIVERY_FAILED',
          message: `could not reach ${to.displayName} directly (${reason}); the DM waits in the outbox`,
          peerId: to.peerId,
          id: dm.id
        })
      }
    }
    if (sealed == null) {
      sealed = await sealFor(this.c.e2e, peer, content, () => this.c.courier.bundleOf(peer))
      if (!online) {
        // only now: a DM that cannot be sealed (NO_PREKEYS) was never sent
        this.c.emit('sent', { id: dm.id, scope: 'dm', to, text, ts: dm.ts })
      }
    }
    await this.c.courier.queue({ id: dm.id, to, sealed, createdAt: dm.ts })
    await this.c.remember(msg, to.peerId)
    return { id: dm.id, to, delivered: false }
  }

  /**
   * Seals a DM for the outbox after a direct try that got no prekeys: from the recipient's relays, else from the
   * recipient once more (it was online a moment ago; a busy peer may answer the second time). Throws NoPrekeysError.
   */
  private sealForOutbox(peer: PeerId, content: Uint8Array): Promise<Uint8Array> {
    return sealFor(this.c.e2e, peer, content, async () => {
      const viaRelays = await this.c.courier.bundleOf(peer)
      return (
        viaRelays ??
        (await this.c.prekeys
          .fetchBundle(peer, peer, { signal: AbortSignal.timeout(RELAY_OP_TIMEOUT_MS) })
          .catch((err: unknown) => {
            this.c.log('prekeys of %p did not come on a second try: %e', peer, err)
            return undefined
          }))
      )
    })
  }

  /**
   * Seals and sends over a DM stream; a recipient that lost our session gets one new session, once. Throws
   * SendFailed (with what was sealed, for the outbox) when the peer cannot be reached, other errors as they are.
   */
  private async sendDirect(peer: PeerId, id: string, content: Uint8Array, options: AbortOptions): Promise<Uint8Array> {
    let sealed: Uint8Array | undefined
    for (let attempt = 0; ; attempt++) {
      try {
        sealed = await sealFor(this.c.e2e, peer, content, () =>
          this.c.prekeys.fetchBundle(peer, peer, { signal: AbortSignal.timeout(RELAY_OP_TIMEOUT_MS) })
        )
        await this.c.dms.sendSealed(peer, id, new Uint8Array(sealed), options)
        return sealed
      } catch (err) {
        if (err instanceof UndecryptableError && attempt === 0) {
          await this.c.e2e.forget(identityKey(peer))
          continue
        }
        if (err instanceof DeliveryRefusedError || err instanceof NoPrekeysError) {
          throw err
        }
        throw new SendFailed(sealed, err)
      }
    }
  }

  /** The DM service's hook: opens a sealed DM that came over a stream from `peer`, and says how to ack it. */
  async openDirect(peer: PeerId, id: string, sealed: Uint8Array): Promise<{ status: AckStatus; reason: string }> {
    let opened: { sender: Uint8Array; plaintext: Uint8Array }
    try {
      opened = await this.c.e2e.decrypt(sealed)
    } catch (err) {
      if (err instanceof DuplicateMessageError) {
        // opened before: a retry whose ack was lost, if we showed it; if we stopped between storing the session and
        // showing the DM, its key is gone and acknowledging it would say `delivered` for a DM nobody saw
        return this.c.courier.hasSeen(peer.toString(), id)
          ? { status: 'ok', reason: '' }
          : { status: 'refused', reason: 'it was opened here but never shown (the recipient stopped); send it again' }
      }
      this.reportUnopened(err, peer.toString())
      return { status: 'undecryptable', reason: 'could not decrypt' }
    }
    const sender = peerOfIdentity(opened.sender)
    if (!sender.equals(peer)) {
      return { status: 'invalid', reason: 'a DM stream carries its own sender’s DMs only' }
    }
    try {
      await this.take(sender, opened.plaintext)
    } catch (err) {
      this.c.emit('error', {
        code: errorCode(err),
        message: `bad DM from ${peer}: ${String(err)}`,
        peerId: peer.toString()
      })
      return { status: 'invalid', reason: err instanceof Error ? err.message : 'bad DM' }
    }
    return { status: 'ok', reason: '' }
  }

  /** Opens one mail; the ids of DMs in it to acknowledge, or none. Never throws. */
  async openMail(sealed: Uint8Array): Promise<{ sender: string; ack: string[] } | undefined> {
    let opened: { sender: Uint8Array; plaintext: Uint8Array }
    try {
      opened = await this.c.e2e.decrypt(sealed)
    } catch (err) {
      if (!(err instanceof DuplicateMessageError)) this.reportUnopened(err)
      return undefined
    }
    const sender = peerOfIdentity(opened.sender)
    try {
      return { sender: sender.toString(), ack: await this.take(sender, opened.plaintext) }
    } catch (err) {
      this.c.log('bad mail from %p - %e', sender, err)
      return undefined
    }
  }

  /** Shows a DM (once) or applies a receipt; returns the DM ids to acknowledge. */
  private async take(sender: PeerId, plaintext: Uint8Array): Promise<string[]> {
    const from = sender.toString()
    if (this.c.isBlocked(from)) {
      return []
    }
    const content = decodeContent(plaintext)
    if (content.kind === 'receipt') {
      await this.c.courier.receipt(from, content.delivered)
      return []
    }
    const { dm } = content
    if (this.c.courier.firstSight(from, dm.id)) {
      const msg: ChatMessage = {
        id: dm.id,
        scope: 'dm',
        from: this.c.userOf(from, dm.senderName),
        to: this.c.self(),
        text: dm.text,
        ts: dm.ts
      }
      await this.c.remember(msg, from)
      this.c.emit('message', msg)
    }
    return [dm.id]
  }

  private reportUnopened(err: unknown, peerId?: string): void {
    const why = err instanceof Error ? err.message : String(err)
    const from = peerId ? ` from ${peerId}` : ''
    // a session we cannot store is a message we cannot take: the sender keeps it for later, and we say why
    const { code, message } = isDiskFull(err)
      ? { code: errorCode(err), message: `a sealed DM${from} waits with its sender: the disk is full (${why})` }
      : { code: DIRECT_ERROR_CODES[DecryptFailedError.name], message: `a sealed DM${from} did not decrypt: ${why}` }
    this.c.emit('error', { code, message, ...(peerId ? { peerId } : {}) })
  }
}

/** A direct send that did not reach the peer; `sealed` is what was sealed for it, if anything. */
class SendFailed extends Error {
  static override readonly name = 'SendFailed'
  override readonly name = 'SendFailed'
  constructor(
    readonly sealed: Uint8Array | undefined,
    override readonly cause: unknown
  ) {
    super('not delivered directly')
  }
}

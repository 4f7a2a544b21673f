/** Builds the end-to-end DM machinery of one account: sessions, outbox, relay mail. */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { MailboxClient } from '../../protocols/mailbox/index.ts'
import { identityFromKeyPair } from '../../protocols/session/index.ts'
import type { Account } from '../account/account.ts'
import type { ChatMessage, EmitChatEvent } from '../events.ts'
import type { MessageArchive } from '../history.ts'
import type { ChatLibp2p } from '../libp2p.ts'
import type { OurRelays } from '../our-relays.ts'
import { EndToEnd } from '../sessions/end-to-end.ts'
import {
  FileSessionVault,
  MemorySessionVault,
  type RecordStore,
  SealedSessionVault,
  vaultKey
} from '../sessions/vault.ts'
import type { User } from '../users.ts'
import { ContactRelays } from './contacts.ts'
import { Courier } from './courier.ts'
import { type DmStore, fileDmStore, memoryDmStore } from './dm-store.ts'
import { RelayMail } from './relays.ts'
import { SecureDms } from './secure-dms.ts'

/** Prekeys are republished this long after they changed: a burst of new sessions costs one publication. */
export const REPUBLISH_DELAY_MS = 1_000

/** Everything DMs need, built before libp2p (the sessions) and after it (the rest). */
export interface Direct {
  e2e: EndToEnd
  secure: SecureDms
  courier: Courier
  contactRelays: ContactRelays
}

/** The account's sessions: in the data directory, sealed under a key from the identity key; memory when ephemeral. */
/** Where an account without a data directory keeps its sessions and DM state (a page: IndexedDB); else memory. */
export interface DirectState {
  sessions: RecordStore
  dms: DmStore
}

export async function openSessions(account: Account, state?: DirectState): Promise<EndToEnd> {
  if (account.privateKey.type !== 'Ed25519') {
    throw new TypeError('end-to-end sessions need an Ed25519 identity')
  }
  // libp2p's Ed25519 private key is the seed followed by the public key
  const seed = new Uint8Array(account.privateKey.raw.subarray(0, 32))
  const publicKey = new Uint8Array(account.privateKey.publicKey.raw)
  const vault =
    account.dataDir != null
      ? new FileSessionVault(account.dataDir, vaultKey(seed))
      : state != null
        ? new SealedSessionVault(state.sessions, vaultKey(seed))
        : new MemorySessionVault()
  return EndToEnd.open(identityFromKeyPair(seed, publicKey), vault)
}

export interface DirectInit {
  account: Account
  e2e: EndToEnd
  libp2p: ChatLibp2p
  archive: Pick<MessageArchive, 'contacts'>
  name: string
  dmTtlMs: number
  self: () => User
  userOf: (peerId: string, name: string) => User
  isBlocked: (peerId: string) => boolean
  isOnline: (peerId: string) => boolean
  emit: EmitChatEvent
  remember: (msg: ChatMessage, conversation: string) => Promise<void>
  /** the outbox and seen ids of an account without a data directory. @default memory */
  dms?: DmStore
  /** where we reach our own relays, used instead of where a contact reaches them */
  ourRelays?: OurRelays
}

/** Wires the sessions to the DM service, the prekey service, the mailbox and the outbox. */
export async function assembleDirect(init: DirectInit): Promise<Direct> {
  const { libp2p, e2e } = init
  const log = libp2p.logger.forComponent('p2pchat:direct')
  const mailbox = new MailboxClient({
    connectionManager: {
      openStream: (peer, protocol, options) =>
        libp2p.dialProtocol(peer, protocol, {
          signal: options?.signal,
          runOnLimitedConnection: options?.runOnLimitedConnection
        }),
      getConnections: (peer?: PeerId) => libp2p.getConnections(peer)
    }
  })
  const relayMail = new RelayMail({
    mailbox,
    prekeys: libp2p.services.prekeys,
    dial: async (addr, options) => {
      const id = peerIdFromString(
        multiaddr(addr)
          .getComponents()
          .findLast((c) => c.name === 'p2p')?.value ?? ''
      )
      if (libp2p.getConnections(id).length === 0) {
        await libp2p.dial(init.ourRelays?.addrOf(id.toString()) ?? multiaddr(addr), options)
      }
    },
    log
  })
  const contactRelays = new ContactRelays(() => init.archive.contacts())
  const store = init.account.dataDir == null ? (init.dms ?? memoryDmStore()) : fileDmStore(init.account.dataDir)
  const courier = await Courier.open({
    relayMail,
    dms: libp2p.services.dm,
    e2e,
    store,
    ourRelays: () => libp2p.services.relayClient.relayAddrs,
    relaysOf: (peerId) => contactRelays.of(peerId),
    isOnline: init.isOnline,
    userOf: init.userOf,
    emit: init.emit,
    dmTtlMs: init.dmTtlMs,
    log
  })
  const secure = new SecureDms({
    e2e,
    dms: libp2p.services.dm,
    prekeys: libp2p.services.prekeys,
    courier,
    name: init.name,
    self: init.self,
    userOf: init.userOf,
    isBlocked: init.isBlocked,
    emit: init.emit,
    remember: init.remember,
    log
  })
  courier.onMail = (sealed) => secure.openMail(sealed)
  let republishing: ReturnType<typeof setTimeout> | undefined
  e2e.onPrekeysChanged = () => {
    // a burst of new sessions republishes once
    clearTimeout(republishing)
    republishing = setTimeout(() => void courier.republish(), REPUBLISH_DELAY_MS)
    republishing.unref?.()
  }
  return { e2e, secure, courier, contactRelays }
}

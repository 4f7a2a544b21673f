import type { Multiaddr } from '@multiformats/multiaddr'
import { validateName } from '../protocols/common/index.ts'
import { type GroupPersistence, memoryPersistence } from '../protocols/group/index.ts'
import type { LobbyInit } from '../protocols/lobby/index.ts'
import { Account } from './account/account.ts'
import { AccountControls, type ControlsHost } from './account/controls.ts'
import { parseMultiaddr } from './auto-dialer.ts'
import { remember } from './chat-node-events.ts'
import { DIAL_TIMEOUT_MS } from './constants.ts'
import { assembleDirect, type Direct, type DirectState, openSessions } from './direct/assemble.ts'
import { DEFAULT_DM_TTL_MS } from './direct/outbox.ts'
import { prekeySlice } from './direct/relays.ts'
import { GroupFileStore } from './groups/group-store.ts'
import { MessageArchive } from './history.ts'
import { LanDiscoveries } from './lan-discoveries.ts'
import { assembleLibp2p, type ChatLibp2p, type ChatPlatform } from './libp2p.ts'
import { OurRelays } from './our-relays.ts'
import { ChatStore, type MessageStore } from './store.ts'
import type { TransferManagerInit } from './transfers/manager.ts'
import { userFor } from './users.ts'

export interface ChatNodeInit {
  /** display name for this session (1-32 characters, no spaces or control characters) */
  name: string
  /** where the identity and history live (ignored when `account` is given) */
  dataDir?: string
  /** the account to run as (opened by the caller, e.g. with a passphrase, or ephemeral); else the one in dataDir */
  account?: Account
  /** @default ['/ip4/0.0.0.0/tcp/0'] */
  listen?: string[]
  /** multiaddrs to dial at start and keep connected */
  bootstrap?: string[]
  /** find peers on the LAN by mDNS. @default true */
  mdns?: boolean
  /** presence timings, shortened in tests */
  presence?: { heartbeatIntervalMs?: number; ttlMs?: number }
  /** file transfer settings: download folder, size limit, offer lifetime */
  transfers?: Omit<TransferManagerInit, 'dataDir' | 'selfName'>
  /** relays to stay reachable through, multiaddrs ending in /p2p/<relay PeerId> */
  relays?: string[]
  /** group timings, shortened in tests; where group logs go for an account without a data directory (a page) */
  groups?: { announceIntervalMs?: number; adminRekeyDelayMs?: number; persistence?: GroupPersistence }
  /** the lobby's per-sender allowance at this receiver (benchmarks lift it) */
  lobby?: LobbyInit
  /** where history and contacts go for an account without a data directory (a page's IndexedDB); else memory */
  store?: MessageStore
  /** transports and dial rules of where the peer runs. @default nodePlatform() (a browser page passes its own) */
  platform?: ChatPlatform
  /** how long a DM waits in the outbox for its recipient. @default DEFAULT_DM_TTL_MS (7 days) */
  dmTtlMs?: number
  /** where end-to-end sessions and the outbox go for an account without a data directory (a page); else memory */
  direct?: DirectState
}

/** Everything a ChatNode is built from: validated init, the opened account's archive and controls, libp2p. */
export interface ChatNodeParts {
  name: string
  libp2p: ChatLibp2p
  archive: MessageArchive
  controls: AccountControls
  bootstrap: Multiaddr[]
  transfers: TransferManagerInit
  /** end-to-end sessions, the outbox and relay mail */
  direct: Direct
  /** the peers mDNS finds, which the auto-dialer dials */
  lanDiscoveries: LanDiscoveries
}

/**
 * The node's side of the account controls and the archive: they are built before the node exists (the
 * connection gater must be in libp2p from the start), so these calls reach it late.
 */
export type ChatNodeHooks = Pick<ControlsHost, 'users' | 'invalidateUsers' | 'emit'>

/**
 * Loads (or creates) the account and store, assembles libp2p and hands the parts to `build`.
 * If anything fails on the way, the archive is closed again.
 */
export async function assembleChatNode<N>(
  init: ChatNodeInit,
  hooks: ChatNodeHooks,
  build: (parts: ChatNodeParts) => Promise<N>
): Promise<N> {
  const name = validateName(init.name)
  const bootstrap = (init.bootstrap ?? []).map(parseMultiaddr)
  const listen = (init.listen ?? ['/ip4/0.0.0.0/tcp/0']).map((a) => parseMultiaddr(a).toString())
  const account = init.account ?? (await Account.openOrCreate(requireDataDir(init.dataDir)))
  const disk = account.dataDir == null ? init.store : await ChatStore.open(account.dataDir)
  // set once libp2p exists: lobby senders we share a group with keep their stored messages longest
  let sharesGroup: (peerId: string) => boolean = () => false
  const e2e = await openSessions(account, init.direct)
  let direct: Direct | undefined
  const archive = new MessageArchive({
    disk,
    settings: () => account.settings.retention,
    onPurge: (counts) => hooks.emit('purged', counts),
    lobbyQuota: { known: (peerId) => sharesGroup(peerId) }
  })
  try {
    const controls = new AccountControls(account, archive, {
      peerId: () => account.peerId,
      users: () => hooks.users(),
      directory: () => libp2p.services.presence.directory,
      invalidateUsers: () => hooks.invalidateUsers(),
      hangUp: (peer) => libp2p.hangUp(peer),
      dial: async (peer) => {
        await libp2p.dial(peer, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      },
      emit: (type, detail) => hooks.emit(type, detail)
    })
    const ourRelays = new OurRelays(init.relays ?? [])
    const lanDiscoveries = new LanDiscoveries()
    const libp2p = await assembleLibp2p({
      privateKey: account.privateKey,
      platform: init.platform,
      listen,
      mdns: init.mdns ?? true,
      lanDiscoveries,
      presence: { name, ...init.presence },
      relays: init.relays,
      ourRelays,
      connectionGater: controls.gater(),
      lobby: init.lobby,
      retention: () => account.settings.retention,
      acceptDm: (peer) => !controls.isBlocked(peer.toString()),
      openSealedDm: async (peer, id, sealed) =>
        direct == null ? { status: 'undecryptable', reason: 'not ready' } : direct.secure.openDirect(peer, id, sealed),
      prekeys: { self: () => prekeySlice(e2e.published(), -1, init.relays?.length ?? 0) },
      file: { accept: (peer) => !controls.isBlocked(peer.toString()) },
      groups: {
        name,
        persistence: account.dataDir == null ? memoryPersistence : new GroupFileStore(account.dataDir),
        ...init.groups
      }
    })
    sharesGroup = (peerId) => libp2p.services.groups.sharesGroupWith(peerId)
    direct = await assembleDirect({
      account,
      e2e,
      libp2p,
      archive,
      name,
      dmTtlMs: init.dmTtlMs ?? DEFAULT_DM_TTL_MS,
      self: () => hooks.users()[0],
      userOf: (peerId, fallback) => userFor(hooks.users(), peerId, fallback),
      isBlocked: (peerId) => controls.isBlocked(peerId),
      isOnline: (peerId) => hooks.users().some((u) => u.peerId === peerId),
      emit: (type, detail) => hooks.emit(type, detail),
      remember: (msg, conversation) => remember(archive, (type, detail) => hooks.emit(type, detail), msg, conversation),
      dms: init.direct?.dms,
      ourRelays
    })
    return await build({
      direct,
      name,
      libp2p,
      archive,
      controls,
      bootstrap,
      lanDiscoveries,
      transfers: { ...init.transfers, dataDir: account.dataDir, selfName: name }
    })
  } catch (err) {
    await archive.close()
    throw err
  }
}

function requireDataDir(dataDir: string | undefined): string {
  if (dataDir == null) {
    throw new TypeError('ChatNode.create needs a dataDir or an account')
  }
  return dataDir
}

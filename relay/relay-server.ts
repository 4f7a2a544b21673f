import { join } from 'node:path'
import type { IdentifyResult, PeerId, PrivateKey } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { AdminRequestLog } from '../protocols/admin/index.ts'
import type { SuppressedReports } from '../protocols/common/index.ts'
import { NOTICE_PROTOCOL, type RelayNotice } from '../protocols/notice/index.ts'
import { executeAdmin, type RelayOps } from './admin-commands.ts'
import { CONFIG_FILE, mailboxSettings, writeConfig } from './config.ts'
import { Federation, federationPeers } from './federation.ts'
import { claimRunFile, identityPath, OPERATOR_KEY_FILE, readKey, releaseRunFile } from './files.ts'
import { GroupTopics } from './group-topics.ts'
import { KnownUsers } from './known-users.ts'
import { loadRelayState } from './load-state.ts'
import { expireMailPeriodically, MAILBOX_DIR, MailboxStore } from './mailbox-store.ts'
import { OnlineUsers } from './online-users.ts'
import { PeerLimits } from './peer-limits.ts'
import { Refusals } from './refusals.ts'
import { banNotice, bannedAuthor, guardRelayTopics, welcomeNotices } from './relay-guards.ts'
import { assembleRelayNode, type RelayLibp2p, releaseSlot } from './relay-node.ts'
import type { SnapshotStore } from './snapshot-store.ts'
import { isAdmin, type RelayState } from './state.ts'
import { StunServer } from './stun-server.ts'
import { loadWebClient, serveWebClient, type TlsFiles, webUrlOf, withTls } from './web-client.ts'

export interface RelayServerInit {
  dataDir: string
  /** replaces the config's listen addresses for this run */
  listen?: string[]
  /** a certificate: the WebSocket listen addresses serve WSS, and the page HTTPS */
  tls?: TlsFiles
  /** more peer relays for this run (`--peer`), besides the config's `peers` */
  peers?: string[]
}

export interface RelayServerEvents {
  /** `webUrl`: where the web client is served (on the first WebSocket address), when it was built */
  ready: CustomEvent<{ peerId: string; name: string; addrs: string[]; webUrl?: string }>
  /** something the operator should know (a corrupt snapshot passed over, a missing config file) */
  warning: CustomEvent<{ code: string; message: string }>
  /** every accepted admin request, and refused ones within the admin protocol's report budget */
  admin: CustomEvent<AdminRequestLog>
  /** refused admin requests over that budget: how many, from how many peers */
  'admin-suppressed': CustomEvent<SuppressedReports>
  /** a banned or cooling-off peer was turned away */
  refused: CustomEvent<{ peerId: string; what: string; reason: string }>
  /** the link to a configured peer relay came up or went down (it is redialed with backoff) */
  'peer-relay': CustomEvent<{ peerId: string; state: 'linked' | 'lost' }>
  snapshot: CustomEvent<{ file: string }>
  shutdown: CustomEvent<{ seconds: number }>
  stopped: CustomEvent<{ reason: string }>
}

/** How long a peer that dropped may take to come back before the relay tells everyone it left. */
const DEPARTURE_GRACE_MS = 1000

/** A relay: the libp2p node plus its durable state (admins, bans, settings, known users) and admin commands. */
export class RelayServer extends TypedEventEmitter<RelayServerEvents> {
  readonly libp2p: RelayLibp2p
  readonly state: RelayState
  readonly operator: string
  private readonly dataDir: string
  private readonly store: SnapshotStore
  private readonly mail: MailboxStore
  private stopExpiry?: () => void
  private readonly known: KnownUsers
  private readonly online: OnlineUsers
  private readonly groupTopics: GroupTopics
  private readonly limits: PeerLimits
  private readonly warnings: Array<{ code: string; message: string }>
  private readonly stun: StunServer
  readonly federation: Federation
  private readonly refusals: Refusals
  private readonly departures = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly unguards: Array<() => void> = []
  private readonly servesWeb: boolean
  private snapshotTimer?: ReturnType<typeof setInterval>
  private shutdownTimer?: ReturnType<typeof setTimeout>
  private dirty = false
  private running = false
  private stopping?: Promise<void>

  private constructor(init: {
    dataDir: string
    state: RelayState
    operator: string
    store: SnapshotStore
    mail: MailboxStore
    libp2p: RelayLibp2p
    warnings: Array<{ code: string; message: string }>
    stun: StunServer
    servesWeb: boolean
    federation: Federation
  }) {
    super()
    this.servesWeb = init.servesWeb
    this.dataDir = init.dataDir
    this.state = init.state
    this.operator = init.operator
    this.store = init.store
    this.mail = init.mail
    this.libp2p = init.libp2p
    this.warnings = init.warnings
    this.stun = init.stun
    this.federation = init.federation
    this.refusals = new Refusals(this.state, (detail) => this.safeDispatchEvent('refused', { detail }))
    this.known = new KnownUsers(init.state.users)
    this.online = new OnlineUsers(
      this.libp2p.services.pubsub,
      this.known,
      () => {
        this.dirty = true
      },
      (peer) => this.libp2p.getConnections(peer).length > 0,
      (peer) => this.federation.has(peer)
    )
    this.limits = new PeerLimits({
      holdsSlot: (peer) => this.libp2p.services.circuitRelay.reservations.has(peer),
      maxConnectionsPerIp: () => this.state.settings.maxConnectionsPerIp,
      maxReservationsPerIp: () => this.state.settings.maxReservationsPerIp
    })
    // created before the node starts, so every connection is counted from its first
    this.libp2p.addEventListener('connection:open', (evt) => this.limits.opened(evt.detail))
    this.libp2p.addEventListener('connection:close', (evt) => this.limits.closed(evt.detail))
    this.groupTopics = new GroupTopics(
      this.libp2p.services.pubsub,
      bannedAuthor(this.state),
      (peer) => this.limits.ipOfPeer(peer),
      (peer) => this.federation.has(peer)
    )
  }

  /**
   * Loads the relay in `dataDir`: identity, config, newest valid snapshot (passing over corrupt newer ones with a
   * warning). Throws ConfigError for a bad config and NoUsableStateError when there is no state to start from.
   */
  static async open(init: RelayServerInit): Promise<RelayServer> {
    const { dataDir } = init
    const privateKey: PrivateKey = await readKey(identityPath(dataDir))
    const peerId = peerIdFromPrivateKey(privateKey).toString()
    const operator = peerIdFromPrivateKey(await readKey(join(dataDir, OPERATOR_KEY_FILE))).toString()
    const { state, store, warnings } = await loadRelayState(dataDir, peerId)
    let server: RelayServer | undefined
    const stun = new StunServer({
      port: state.settings.stunPort,
      listen: init.listen ?? state.settings.listen
    })
    const peers = federationPeers([...state.settings.peers, ...(init.peers ?? [])], peerIdFromPrivateKey(privateKey))
    const web = await loadWebClient(peerId)
    const mail = await MailboxStore.open(join(dataDir, MAILBOX_DIR))
    const libp2p = await assembleRelayNode({
      stunPort: () => stun.boundTo,
      privateKey,
      web: web == null ? undefined : serveWebClient(web),
      config: state.settings,
      listen: init.tls == null ? init.listen : withTls(init.listen ?? state.settings.listen),
      tls: init.tls,
      federation: peers,
      presence: () => server?.online.directory.signedEntries(Date.now()) ?? [],
      ...(await mail.services(mailboxSettings(state.settings))),
      gate: {
        refuse: (peer, what) => server?.refusals.reason(peer, what),
        // a configured peer relay is one link, however many clients share its IP address
        overLimit: (remote, peer) =>
          peer != null && server?.federation.has(peer) === true
            ? undefined
            : server?.limits.refuseConnection(remote, peer),
        overReservationLimit: (peer) => server?.limits.refuseReservation(peer)
      }
    })
    const federation = new Federation(
      {
        peerStore: libp2p.peerStore,
        events: libp2p,
        dial: (peer, options) => libp2p.dial(peer, options),
        connected: (peer) => libp2p.getConnections(peer).length > 0,
        logger: libp2p.logger,
        changed: (peer, linked) =>
          server?.safeDispatchEvent('peer-relay', {
            detail: { peerId: peer.toString(), state: linked ? 'linked' : 'lost' }
          })
      },
      peers
    )
    server = new RelayServer({
      ...{ dataDir, state, operator, store, mail, libp2p, warnings, stun, federation },
      servesWeb: web != null
    })
    return server
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }

  get addrs(): string[] {
    return this.libp2p.getMultiaddrs().map(String)
  }

  async start(): Promise<void> {
    await claimRunFile(this.dataDir, {
      pid: process.pid,
      peerId: this.peerId.toString(),
      addrs: [],
      startedAt: Date.now()
    })
    await this.libp2p.start()
    this.running = true
    this.online.start()
    this.libp2p.services.notices.addEventListener('notice', (evt) =>
      this.online.takeNotice(evt.detail.from, evt.detail.notice)
    )
    const { pubsub, admin } = this.libp2p.services
    this.unguards.push(...guardRelayTopics(pubsub, this.state))
    this.groupTopics.start()
    admin.setHandler({
      isAdmin: (peer) => peer === this.operator || isAdmin(this.state, peer),
      execute: (cmd) => executeAdmin(this.ops(), cmd)
    })
    admin.addEventListener('request', (evt) => this.safeDispatchEvent('admin', { detail: evt.detail }))
    admin.addEventListener('suppressed', (evt) => this.safeDispatchEvent('admin-suppressed', { detail: evt.detail }))
    this.libp2p.addEventListener('peer:identify', (evt) => this.welcome(evt.detail))
    this.libp2p.addEventListener('peer:disconnect', (evt) => this.onDisconnect(evt.detail))
    this.scheduleSnapshots()
    await this.federation.start()
    this.stopExpiry = expireMailPeriodically(this.libp2p.services.mailbox)
    await claimRunFile(this.dataDir, {
      pid: process.pid,
      peerId: this.peerId.toString(),
      addrs: this.addrs,
      startedAt: Date.now()
    })
    for (const failure of await this.stun.start()) {
      this.warnings.push({ code: 'STUN_UNAVAILABLE', message: `no STUN responder on ${failure}` })
    }
    for (const warning of this.warnings.splice(0)) {
      this.safeDispatchEvent('warning', { detail: warning })
    }
    // where browsers open the web client: the first WebSocket address, over HTTP(S)
    const webUrl = this.servesWeb ? webUrlOf(this.addrs) : undefined
    this.safeDispatchEvent('ready', {
      detail: { peerId: this.peerId.toString(), name: this.state.metadata.name, addrs: this.addrs, webUrl }
    })
  }

  /** Saves state, closes every connection and releases the data directory. Safe to call more than once. */
  stop(reason = 'stopped'): Promise<void> {
    this.stopping ??= this.doStop(reason)
    return this.stopping
  }

  private async doStop(reason: string): Promise<void> {
    this.running = false
    clearInterval(this.snapshotTimer)
    this.stopExpiry?.()
    clearTimeout(this.shutdownTimer)
    for (const timer of this.departures.values()) {
      clearTimeout(timer)
    }
    try {
      await this.saveSnapshot()
    } finally {
      for (const unguard of this.unguards.splice(0)) {
        unguard()
      }
      this.federation.stop()
      this.online.stop()
      this.groupTopics.stop()
      await this.stun.stop()
      await this.libp2p.stop()
      await this.mail.close()
      await releaseRunFile(this.dataDir)
      this.safeDispatchEvent('stopped', { detail: { reason } })
    }
  }

  /** A newly identified client gets the ban list and the message of the day. */
  private welcome(result: IdentifyResult): void {
    if (!this.running || !result.protocols.includes(NOTICE_PROTOCOL) || this.federation.has(result.peerId)) {
      return
    }
    const { notices } = this.libp2p.services
    const sends = welcomeNotices(this.state)
    void (async () => {
      for (const notice of sends) {
        await notices.send(result.peerId, notice).catch(() => {})
      }
    })()
  }

  /** A client that dropped and did not come back within the grace period is announced as gone. */
  private onDisconnect(peer: PeerId): void {
    const id = peer.toString()
    if (this.running) {
      this.groupTopics.removePeer(peer)
    }
    // only our own clients (who reserved a slot) depart from here; a peer relay's users merely passing through do not.
    // Asked before the slot is freed: freeing it first made every client look like a passer-by, and nobody was told.
    const { reservations } = this.libp2p.services.circuitRelay
    const ours = reservations.has(peer)
    releaseSlot(reservations, peer)
    if (!this.running || !ours || !this.online.directory.has(id) || this.departures.has(id)) {
      return
    }
    const timer = setTimeout(() => {
      this.departures.delete(id)
      if (this.running && this.libp2p.getConnections(peer).length === 0 && this.online.remove(id)) {
        void this.libp2p.services.notices
          .publish({ kind: 'departed', ts: Date.now(), peer: id, text: '' })
          .catch(() => {})
      }
    }, DEPARTURE_GRACE_MS)
    this.departures.set(id, timer)
  }

  private scheduleSnapshots(): void {
    clearInterval(this.snapshotTimer)
    this.snapshotTimer = setInterval(() => {
      if (this.dirty) {
        void this.saveSnapshot().catch((err: unknown) => {
          this.safeDispatchEvent('warning', { detail: { code: 'SNAPSHOT_FAILED', message: String(err) } })
        })
      }
    }, this.state.settings.snapshotIntervalSeconds * 1000)
  }

  private async saveSnapshot(): Promise<void> {
    this.dirty = false
    this.state.users = this.known.list()
    const file = await this.store.save(this.state)
    this.safeDispatchEvent('snapshot', { detail: { file } })
  }

  private ops(): RelayOps {
    const { notices, circuitRelay } = this.libp2p.services
    return {
      state: this.state,
      known: this.known,
      running: this.running,
      operator: this.operator,
      online: () => this.online.list(),
      // its own clients: those holding a slot, not a client of another relay that reached someone through this one
      here: (peer) => {
        const peerId = peerIdFromString(peer)
        return circuitRelay.reservations.has(peerId) && this.libp2p.getConnections(peerId).length > 0
      },
      disconnect: async (peer, how, reason) => {
        const peerId = peerIdFromString(peer)
        const cooldown = this.state.settings.kickCooldownSeconds
        if (how === 'kicked' && cooldown > 0) {
          this.refusals.coolDown(peer, Date.now() + cooldown * 1000)
        }
        const notice: RelayNotice = { kind: how, ts: Date.now(), peer, text: reason }
        if (this.libp2p.getConnections(peerId).length > 0) {
          // resolves once the client has read it (or after NOTICE_TIMEOUT_MS): hanging up sooner could cut it off
          await notices.send(peerId, notice).catch(() => {})
        }
        await notices.publish(notice).catch(() => {})
        circuitRelay.reservations.delete(peerId)
        this.online.remove(peer)
        await this.libp2p.hangUp(peerId)
      },
      announce: (text) => notices.publish({ kind: 'announcement', ts: Date.now(), text }),
      message: (peer, text) => notices.send(peerIdFromString(peer), { kind: 'message', ts: Date.now(), text }),
      publishBans: async () => {
        await notices.publish(banNotice(this.state)).catch(() => 0)
      },
      persist: async (settingsChanged) => {
        if (settingsChanged) {
          await writeConfig(join(this.dataDir, CONFIG_FILE), this.state.settings)
        }
        await this.saveSnapshot()
      },
      applyLive: (key) => {
        if (key === 'snapshotIntervalSeconds') {
          this.scheduleSnapshots()
        } else if (key === 'snapshotsKept') {
          this.store.setKeep(this.state.settings.snapshotsKept)
        } else if (key.startsWith('mail')) {
          this.libp2p.services.mailbox.configure(mailboxSettings(this.state.settings))
        }
      },
      shutdown: (seconds) => {
        const text = seconds === 0 ? 'the relay is shutting down now' : `the relay shuts down in ${seconds} s`
        void notices.publish({ kind: 'shutdown', ts: Date.now(), seconds, text }).catch(() => {})
        this.safeDispatchEvent('shutdown', { detail: { seconds } })
        clearTimeout(this.shutdownTimer)
        // at least a moment, so the admin's answer and the notice reach the wire first
        this.shutdownTimer = setTimeout(() => void this.stop('shut down by an admin'), Math.max(seconds * 1000, 500))
      }
    }
  }
}

import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Logger, PeerId, PublicKey } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidMessageError } from '../common/errors.ts'
import {
  decodeAnnouncement,
  decodeGroupFrame,
  encodeAnnouncement,
  type GroupPost,
  type GroupRequestContent,
  type SignedEntryBytes
} from './codec.ts'
import { SYNC_INTERVAL_MS } from './constants.ts'
import { equalBytes, verifyPostBody } from './crypto.ts'
import { type VerifiedEntry, verifyDecodedEntry } from './entries.ts'
import { EntryRejectedError, GroupSyncError } from './errors.ts'
import { Keyring } from './keyring.ts'
import { GroupLog } from './log.ts'
import type { GroupRuntime } from './runtime.ts'
import type { GroupService } from './service.ts'
import { genesisState, roleOf } from './state.ts'
import { type Answer, fetchLog, type GroupStreamHooks } from './streams.ts'

/** Least time between two syncs with the same peer even when something asks for one at once. */
const FORCED_SYNC_INTERVAL_MS = 500

/** Most `rejected` reports per peer per REPORT_WINDOW_MS: a hostile peer cannot flood the user with errors. */
const MAX_REPORTS = 10
const REPORT_WINDOW_MS = 10_000

async function verifyAll(signed: SignedEntryBytes[]): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (const s of signed) {
    out.push(await verifyDecodedEntry(s))
  }
  return out
}

/**
 * Everything that reaches us from other peers: frames on group topics, directory announcements, and the requests
 * of the group protocol. Checks each against signatures and the log before anything changes or is forwarded.
 */
export class Inbound implements GroupStreamHooks {
  private readonly syncing = new Set<string>()
  private readonly lastSync = new Map<string, number>()
  private readonly reports = new Map<string, { count: number; since: number }>()

  constructor(
    private readonly service: GroupService,
    private readonly components: { connectionManager: ConnectionManager },
    private readonly log: Logger
  ) {}

  private get me(): string {
    return this.service.me
  }

  /** Gossipsub validator of a group topic: accept (and forward) only what applies; reject what is forged. */
  async validateFrame(runtime: GroupRuntime, msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    if (this.service.group(runtime.id) !== runtime) {
      return TopicValidatorResult.Ignore
    }
    return this.handleFrame(runtime, msg.from, msg.key, msg.data)
  }

  private async handleFrame(
    runtime: GroupRuntime,
    sender: PeerId,
    senderKey: PublicKey,
    data: Uint8Array
  ): Promise<TopicValidatorResult> {
    try {
      if (senderKey.type !== 'Ed25519') {
        throw new InvalidMessageError('group members have Ed25519 identities')
      }
      const opened = runtime.unwrap(data)
      if (opened.type === 'unknown-key') {
        // a rotation we have not seen: keep the frame and ask the sender for the log
        runtime.holdFrame({ sender, senderKey, data, keyId: opened.keyId, at: Date.now() })
        this.requestSync(runtime, sender, true)
        return TopicValidatorResult.Ignore
      }
      const content = decodeGroupFrame(opened.bytes)
      if (content.type === 'post') {
        return await this.onPost(runtime, sender, senderKey.raw, content.body, content.signature, content.post)
      }
      return await this.onEntry(runtime, sender, content.entry)
    } catch (err) {
      this.report(runtime.id, sender.toString(), err)
      return TopicValidatorResult.Reject
    }
  }

  /** Frames that waited for a key we now hold, and posts whose senders have joined since. */
  releaseHeld(runtime: GroupRuntime): void {
    const now = Date.now()
    for (const f of runtime.releaseFrames(now)) {
      void this.handleFrame(runtime, f.sender, f.senderKey, f.data)
    }
    for (const { from, post } of runtime.releasePosts(now)) {
      if (runtime.firstSighting(from, post.id)) {
        this.service.safeDispatchEvent('post', { detail: { groupId: runtime.id, from, post } })
      }
    }
  }

  private async onPost(
    runtime: GroupRuntime,
    sender: PeerId,
    senderKey: Uint8Array,
    body: Uint8Array,
    signature: Uint8Array,
    post: GroupPost
  ): Promise<TopicValidatorResult> {
    if (!(await verifyPostBody(senderKey, body, signature))) {
      throw new InvalidMessageError('post signature does not verify')
    }
    if (post.groupId !== runtime.id) {
      throw new InvalidMessageError('post for another group')
    }
    const from = sender.toString()
    if (from === this.me) {
      return TopicValidatorResult.Ignore
    }
    if (!runtime.state.members.has(from)) {
      if (runtime.state.removed.has(from)) {
        throw new EntryRejectedError('post from a removed member')
      }
      // its join may still be on the way
      runtime.holdPost(from, post, Date.now())
      this.requestSync(runtime, sender)
      return TopicValidatorResult.Ignore
    }
    if (!runtime.firstSighting(from, post.id)) {
      return TopicValidatorResult.Ignore
    }
    this.service.safeDispatchEvent('post', { detail: { groupId: runtime.id, from, post } })
    return TopicValidatorResult.Accept
  }

  private async onEntry(
    runtime: GroupRuntime,
    sender: PeerId,
    signed: SignedEntryBytes
  ): Promise<TopicValidatorResult> {
    const entry = await verifyDecodedEntry(signed)
    if (entry.groupId !== runtime.id) {
      throw new EntryRejectedError('entry of another group')
    }
    if (entry.authorId !== sender.toString()) {
      // entries travel on the topic from their authors only; other peers pass them on by sync
      throw new EntryRejectedError(
        runtime.log.has(entry.idHex) ? `replayed entry (${entry.kind} #${entry.seq})` : 'entry not sent by its author'
      )
    }
    const result = await this.service.engine.apply(runtime, [entry])
    switch (result.type) {
      case 'appended':
      case 'switched':
        return TopicValidatorResult.Accept
      case 'rejected':
        throw result.error
      case 'gap':
      case 'kept':
        // we miss entries, or the author misses ours: a sync either way (ours tells the author we differ)
        this.requestSync(runtime, sender, true)
        return TopicValidatorResult.Ignore
      case 'duplicate':
        return TopicValidatorResult.Ignore
    }
  }

  /** Gossipsub validator of the directory topic: announcements with a valid genesis and owner-signed metadata. */
  async validateAnnouncement(msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    try {
      const a = decodeAnnouncement(msg.data)
      const genesis = await verifyDecodedEntry(a.genesis)
      const meta = await verifyDecodedEntry(a.meta)
      genesisState(genesis)
      if (genesis.private) {
        throw new EntryRejectedError('private groups are not announced')
      }
      if (meta.groupId !== genesis.groupId || meta.authorId !== genesis.authorId) {
        throw new EntryRejectedError('group metadata not signed by its owner')
      }
      if (meta.kind === 'create' && meta.idHex !== genesis.idHex) {
        throw new EntryRejectedError('two different origins for one group')
      }
      this.service.directory.apply(msg.from.toString(), genesis, meta, a.members, Date.now())
      return TopicValidatorResult.Accept
    } catch (err) {
      this.report(undefined, msg.from.toString(), err)
      return TopicValidatorResult.Reject
    }
  }

  /** Announcements of our public groups: the genesis and the owner's newest metadata. */
  announcements(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>()
    for (const runtime of this.service.groups()) {
      if (runtime.state.private) {
        continue
      }
      const genesis = runtime.log.genesis
      const meta = runtime.log.all().findLast((e) => e.kind === 'meta' && e.authorId === genesis.authorId) ?? genesis
      out.set(runtime.id, encodeAnnouncement(genesis.bytes, meta.bytes, runtime.state.members.size))
    }
    return out
  }

  /** Fetches the log of a group from `peer` in the background, unless one is running or ran just now. */
  requestSync(runtime: GroupRuntime, peer: PeerId, force = false): void {
    const key = `${runtime.id}/${peer.toString()}`
    const since = Date.now() - (this.lastSync.get(key) ?? 0)
    if (this.syncing.has(key) || since < (force ? FORCED_SYNC_INTERVAL_MS : SYNC_INTERVAL_MS)) {
      return
    }
    if (!this.service.isRunning || peer.toString() === this.me) {
      return
    }
    this.syncing.add(key)
    this.syncFrom(runtime, peer)
      .catch((err: unknown) => this.log('sync of %s with %p failed - %e', runtime.id, peer, err))
      .finally(() => {
        this.syncing.delete(key)
        this.lastSync.delete(key)
        this.lastSync.set(key, Date.now())
        if (this.lastSync.size > 4096) {
          this.lastSync.delete(this.lastSync.keys().next().value as string)
        }
      })
  }

  private async syncFrom(runtime: GroupRuntime, peer: PeerId): Promise<void> {
    const head = runtime.log.head
    const signed = await fetchLog(
      this.components.connectionManager,
      peer,
      { groupId: runtime.id, knownSeq: head.seq, knownId: head.id },
      this.service.signal()
    )
    if (signed.length === 0) {
      return
    }
    let chain: VerifiedEntry[]
    try {
      chain = await verifyAll(signed)
    } catch (err) {
      this.report(runtime.id, peer.toString(), err)
      return
    }
    const result = await this.service.engine.apply(runtime, chain)
    if (this.service.engine.get(runtime.id) !== runtime) {
      return
    }
    if (result.type === 'rejected') {
      this.report(runtime.id, peer.toString(), result.error)
    } else if (result.type === 'appended' && result.rejected != null) {
      this.report(runtime.id, peer.toString(), result.rejected)
    }
  }

  /** The whole log of a group from the first of `peers` that has it. */
  async fetchFromAny(peers: string[], groupId: string, signal: AbortSignal): Promise<GroupLog> {
    let lastError: unknown = new GroupSyncError('no member of that group is known')
    for (const peer of peers) {
      try {
        const signed = await fetchLog(
          this.components.connectionManager,
          peerIdFromString(peer),
          { groupId, knownSeq: 0, knownId: new Uint8Array(0) },
          signal
        )
        const log = GroupLog.fromEntries(await verifyAll(signed))
        if (log.state.groupId !== groupId) {
          throw new GroupSyncError(`${peer} sent the log of another group`)
        }
        return log
      } catch (err) {
        lastError = err
        if (signal.aborted) {
          break
        }
      }
    }
    throw lastError instanceof GroupSyncError
      ? lastError
      : new GroupSyncError(
          `could not fetch the group's log: ${lastError instanceof Error ? lastError.message : String(lastError)}`
        )
  }

  /** Brings a log we are not a member of (an invitation's) up to date from the first of `peers` that answers. */
  async refresh(log: GroupLog, peers: string[], signal: AbortSignal): Promise<void> {
    for (const peer of new Set(peers)) {
      try {
        const signed = await fetchLog(
          this.components.connectionManager,
          peerIdFromString(peer),
          { groupId: log.state.groupId, knownSeq: log.head.seq, knownId: log.head.id },
          signal
        )
        log.offer(await verifyAll(signed))
        return
      } catch (err) {
        this.log('could not refresh %s from %s - %e', log.state.groupId, peer, err)
      }
    }
  }

  /** SYNC: members and invitees get the log; a removed member gets it up to its removal; public logs are open. */
  logFor(peer: PeerId, req: GroupRequestContent): Answer & { entries?: Uint8Array[] } {
    const runtime = this.service.group(req.groupId)
    if (runtime == null) {
      return { status: 'unknown-group', reason: 'not a member of that group' }
    }
    const who = peer.toString()
    const s = runtime.state
    const entitled = s.members.has(who) || s.invited.has(who)
    let limit = Number.POSITIVE_INFINITY
    if (s.private && !entitled) {
      const removedAt = s.removed.get(who)
      if (removedAt == null) {
        return { status: 'refused', reason: 'private group' }
      }
      limit = removedAt
    }
    const known = runtime.log.at(req.knownSeq)
    if (entitled && (known == null || !equalBytes(known.id, req.knownId))) {
      // the asker has entries we lack (or another branch): fetch them too
      this.requestSync(runtime, peer, true)
    }
    const entries = runtime.log
      .since(req.knownSeq, req.knownId)
      .filter((e) => e.seq <= limit)
      .map((e) => e.bytes)
    return { status: 'ok', entries }
  }

  /** INVITE: checks every entry of the log up to our invitation, and that the key sealed for us opens. */
  async invitation(peer: PeerId, req: GroupRequestContent, signed: SignedEntryBytes[]): Promise<Answer> {
    if (this.service.group(req.groupId) != null) {
      return { status: 'ok' }
    }
    try {
      const log = GroupLog.fromEntries(await verifyAll(signed))
      const s = log.state
      const mine = s.invited.get(this.me)
      if (s.groupId !== req.groupId || mine == null || !equalBytes(mine.entryId, req.inviteId)) {
        throw new EntryRejectedError('the log does not hold this invitation')
      }
      if (!s.members.has(peer.toString())) {
        throw new EntryRejectedError('invitation delivered by a non-member')
      }
      if (s.private) {
        const keyring = new Keyring(this.service.engine.identity)
        keyring.learn(log.all())
        if (!keyring.has(s.keyId)) {
          throw new EntryRejectedError('the key sealed for us does not open')
        }
      }
      const added = this.service.invitations.add({
        entryId: mine.entryId,
        groupId: s.groupId,
        name: s.name,
        description: s.description,
        private: s.private,
        members: s.members.size,
        inviter: mine.by,
        inviterName: s.members.get(mine.by)?.name ?? '',
        from: peer.toString(),
        at: Date.now(),
        log
      })
      if (added != null) {
        this.service.safeDispatchEvent('invite', { detail: added })
      }
      return { status: 'ok' }
    } catch (err) {
      this.report(req.groupId, peer.toString(), err)
      return { status: 'invalid', reason: err instanceof Error ? err.message : String(err) }
    }
  }

  /** DECLINE: an invitee turned us down; an admin withdraws the invitation, which also rotates the key. */
  async decline(peer: PeerId, req: GroupRequestContent): Promise<Answer> {
    const runtime = this.service.group(req.groupId)
    const who = peer.toString()
    const inv = runtime?.state.invited.get(who)
    if (runtime == null || inv == null || !equalBytes(inv.entryId, req.inviteId)) {
      return { status: 'ok' }
    }
    const role = roleOf(runtime.state, this.me)
    if (role === 'owner' || role === 'admin') {
      await this.service
        .act(runtime, { kind: 'remove', subject: inv.key })
        .catch((err: unknown) => this.log('could not withdraw the invitation of %s - %e', who, err))
    }
    return { status: 'ok' }
  }

  /** Reports refused input from a peer, a few times per window at most. */
  report(groupId: string | undefined, peer: string, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err))
    this.log('refused input from %s in %s - %e', peer, groupId ?? 'directory', error)
    const now = Date.now()
    const r = this.reports.get(peer)
    if (r == null || now - r.since > REPORT_WINDOW_MS) {
      this.reports.set(peer, { count: 1, since: now })
      if (this.reports.size > 1024) {
        this.reports.delete(this.reports.keys().next().value as string)
      }
    } else if (++r.count > MAX_REPORTS) {
      return
    }
    this.service.safeDispatchEvent('rejected', { detail: { ...(groupId ? { groupId } : {}), peer, error } })
  }
}

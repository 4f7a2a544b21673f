import type { Logger, PeerId } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { BoundedMap } from '../common/bounded-map.ts'
import { abortableDelay } from '../common/delay.ts'
import { InvalidMessageError, MessageTooLargeError } from '../common/errors.ts'
import type { SignedEntryBytes } from './codec.ts'
import { MAX_CONCURRENT_SYNCS, SYNC_INTERVAL_MS, UNKNOWN_KEY_SYNC_INTERVAL_MS } from './constants.ts'
import { equalBytes, hex } from './crypto.ts'
import type { GroupEngine } from './engine.ts'
import { type VerifiedEntry, verifyDecodedEntry } from './entries.ts'
import { EntryRejectedError, GroupSyncError, InvitationLimitError } from './errors.ts'
import type { EmitGroupEvent } from './events.ts'
import type { Invitation, Invitations } from './invitations.ts'
import { Keyring } from './keyring.ts'
import { GroupLog } from './log.ts'
import type { Op } from './ops.ts'
import type { Reporter } from './report.ts'
import type { GroupRuntime } from './runtime.ts'
import { type GroupState, roleOf } from './state.ts'
import type { GroupRequestContent } from './stream-codec.ts'
import { type Answer, fetchLog, type GroupStreamHooks, sendDecline, sendInvitation } from './streams.ts'

/** Least time between two syncs with the same peer even when something asks for one at once. */
const FORCED_SYNC_INTERVAL_MS = 500

/**
 * Why a sync is asked for, which sets how soon after the last one with that peer it may run: `routine` (a member
 * appeared), `forced` (an entry from its author whose parents we lack), `unknown-key` (a member's frame sealed with a
 * key we lack: anything a peer can send at will is rate-limited harder).
 */
export type SyncReason = 'routine' | 'forced' | 'unknown-key'

const SYNC_INTERVALS: Record<SyncReason, number> = {
  routine: SYNC_INTERVAL_MS,
  forced: FORCED_SYNC_INTERVAL_MS,
  'unknown-key': UNKNOWN_KEY_SYNC_INTERVAL_MS
}

/** (group, peer) pairs whose last sync time is remembered. */
const MAX_SYNC_TIMES = 4096
/** Rounds of asking every known member for a group's log when none could be reached, and the wait before round n. */
export const FETCH_ROUNDS = 3
export const FETCH_RETRY_MS = 1_000

/** Whether a failed log fetch means the member was out of reach, rather than that its answer failed our checks. */
function isUnreachable(err: unknown): boolean {
  if (err instanceof GroupSyncError) {
    // fetchLog's "could not reach" carries the dial's error as its cause
    return err.cause !== undefined
  }
  return !(
    err instanceof EntryRejectedError ||
    err instanceof InvalidMessageError ||
    err instanceof MessageTooLargeError
  )
}

/**
 * What a SYNC from `who`, whose head is `knownId`, gets from our log: members and invitees get what they lack (and
 * when they have entries we lack, `askBack`: we fetch from them in turn); a removed member gets the entries up to its
 * removal, so it learns of it; public logs are open (joining needs them); anyone else is refused.
 */
export function syncAnswer(
  log: GroupLog,
  who: string,
  knownId: string
): { answer: Answer & { entries?: Uint8Array[] }; askBack: boolean } {
  const s = log.state
  const bytes = (entries: VerifiedEntry[]): Answer & { entries: Uint8Array[] } => ({
    status: 'ok',
    entries: entries.map((e) => e.bytes)
  })
  if (s.members.has(who) || s.invited.has(who)) {
    return { answer: bytes(log.since(knownId)), askBack: !log.has(knownId) }
  }
  const removal = s.removed.get(who)
  if (removal != null) {
    return { answer: bytes(log.upTo(removal)), askBack: false }
  }
  if (s.private) {
    return { answer: { status: 'refused', reason: 'private group' }, askBack: false }
  }
  return { answer: bytes(log.since(knownId)), askBack: false }
}

/** Whether a frame from `sender` that we cannot open (a key we lack) may make us sync: only members and invitees. */
export function mayPromptSync(s: GroupState, sender: string): boolean {
  return s.members.has(sender) || s.invited.has(sender)
}

export async function verifyAll(signed: SignedEntryBytes[]): Promise<VerifiedEntry[]> {
  const out: VerifiedEntry[] = []
  for (const s of signed) {
    out.push(await verifyDecodedEntry(s))
  }
  return out
}

/** What Sync needs of the group service: our groups and invitations, signing our operations, its lifetime. */
export interface SyncComponents {
  /** our PeerId as a string */
  readonly me: string
  readonly isRunning: boolean
  readonly engine: Pick<GroupEngine, 'apply' | 'get' | 'identity'>
  readonly invitations: Pick<Invitations, 'add' | 'admitDelivery'>
  group(groupId: string): GroupRuntime | undefined
  /** authors, applies and publishes one of our operations */
  act(runtime: GroupRuntime, op: Op): Promise<unknown>
  /** the signal of a background operation: its timeout, or the service stopping */
  signal(): AbortSignal
  emit: EmitGroupEvent
}

/**
 * Logs between peers over the group protocol: fetching what members have (on join, on reconnect, when an entry
 * or key is missing), serving our logs to those entitled to them, and invitations both ways.
 */
export class Sync implements GroupStreamHooks {
  private readonly syncing = new Set<string>()
  private readonly lastSync = new BoundedMap<string, number>(MAX_SYNC_TIMES)

  constructor(
    private readonly service: SyncComponents,
    private readonly connectionManager: ConnectionManager,
    private readonly reporter: Reporter,
    private readonly log: Logger
  ) {}

  private get me(): string {
    return this.service.me
  }

  /** Fetches the log of a group from `peer` in the background, unless one is running or ran just now. */
  requestSync(runtime: GroupRuntime, peer: PeerId, reason: SyncReason = 'routine'): void {
    const key = `${runtime.id}/${peer.toString()}`
    const since = Date.now() - (this.lastSync.get(key) ?? 0)
    if (this.syncing.has(key) || since < SYNC_INTERVALS[reason] || this.syncing.size >= MAX_CONCURRENT_SYNCS) {
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
        this.lastSync.set(key, Date.now())
      })
  }

  private async syncFrom(runtime: GroupRuntime, peer: PeerId): Promise<void> {
    const head = runtime.log.head
    const signed = await fetchLog(
      this.connectionManager,
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
      this.reporter.report(runtime.id, peer.toString(), err)
      return
    }
    // every entry is checked against the state at its parents, then the whole graph resolved again: nothing a peer
    // offers is taken as a branch to switch to
    const result = await this.service.engine.apply(runtime, chain)
    if (this.service.engine.get(runtime.id) !== runtime) {
      return
    }
    if (result.type === 'rejected') {
      this.reporter.report(runtime.id, peer.toString(), result.error)
    } else if (result.type === 'appended' && result.rejected != null) {
      this.reporter.report(runtime.id, peer.toString(), result.rejected)
    }
  }

  /** The whole log of a group from the first of `peers` that has it. */
  async fetchFromAny(peers: string[], groupId: string, signal: AbortSignal): Promise<GroupLog> {
    let lastError: unknown = new GroupSyncError('no member of that group is known')
    // A round that ended on a member out of reach (a dial or stream that failed) is tried again a little later: a
    // join through a busy relay failed at its one dial and was never tried again. One that ended on an answer that
    // failed our checks is not.
    for (let round = 0; round < FETCH_ROUNDS && (round === 0 || isUnreachable(lastError)); round++) {
      if (round > 0) {
        await abortableDelay(FETCH_RETRY_MS * round, signal)
      }
      for (const peer of peers) {
        if (signal.aborted) {
          break
        }
        try {
          const signed = await fetchLog(
            this.connectionManager,
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
        }
      }
      if (signal.aborted) {
        break
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
          this.connectionManager,
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

  /** SYNC: see syncAnswer. */
  logFor(peer: PeerId, req: GroupRequestContent): Answer & { entries?: Uint8Array[] } {
    const runtime = this.service.group(req.groupId)
    if (runtime == null) {
      return { status: 'unknown-group', reason: 'not a member of that group' }
    }
    const { answer, askBack } = syncAnswer(runtime.log, peer.toString(), hex(req.knownId))
    if (askBack) {
      this.requestSync(runtime, peer, 'forced')
    }
    return answer
  }

  /** INVITE: checks every entry of the log up to our invitation, and that the key sealed for us opens. */
  async invitation(peer: PeerId, req: GroupRequestContent, signed: SignedEntryBytes[]): Promise<Answer> {
    if (this.service.group(req.groupId) != null) {
      return { status: 'ok' }
    }
    try {
      this.service.invitations.admitDelivery(peer.toString(), signed.length)
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
        this.service.emit('invite', added)
      }
      return { status: 'ok' }
    } catch (err) {
      if (err instanceof InvitationLimitError) {
        // a flood is dropped quietly: an error shown per invitation would be a flood of its own
        this.log('refused an invitation from %p - %e', peer, err)
        return { status: 'refused', reason: err.message }
      }
      this.reporter.report(req.groupId, peer.toString(), err)
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

  /** Sends the log with a pending invitation to the invitee. */
  async deliverInvite(runtime: GroupRuntime, invitee: string, signal: AbortSignal): Promise<void> {
    const inv = runtime.state.invited.get(invitee)
    if (inv == null) {
      return
    }
    const entries = runtime.log.all().map((e) => e.bytes)
    await sendInvitation(this.connectionManager, peerIdFromString(invitee), runtime.id, inv.entryId, entries, signal)
  }

  /** Tells the inviter (or whoever delivered the invitation) that we decline; false when neither answered. */
  async sendDecline(inv: Invitation, signal: AbortSignal): Promise<boolean> {
    for (const peer of new Set([inv.inviter, inv.from])) {
      try {
        await sendDecline(this.connectionManager, peerIdFromString(peer), inv.groupId, inv.entryId, signal)
        return true
      } catch (err) {
        this.log('could not tell %s that we decline - %e', peer, err)
      }
    }
    return false
  }
}

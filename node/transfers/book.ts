import type { Logger } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import { errorCode } from '../errors.ts'
import type { TransferEvents, TransferInfo, TransferProgressInfo } from './events.ts'
import { shortId } from './ids.ts'
import { ProgressMeter } from './rate.ts'
import { nextState, type TransferAction } from './state.ts'
import type { TransferRecord, TransferRecords } from './store.ts'

export type { TransferEvents, TransferInfo, TransferProgressInfo } from './events.ts'

/** What the book needs to know about peers. */
export interface PeerLookup {
  /** the peer's current display name if it is online in the directory */
  onlineName(peerId: string): string | undefined
  /** whether the node knows the peer otherwise (a member of one of our groups): its offers win over strangers' */
  isKnown?(peerId: string): boolean
}

/** How often a moving transfer's record is saved, so a restart loses little progress. */
const SAVE_INTERVAL_MS = 1000

/**
 * The transfer records, their persistence and the events about them: shared by downloads and uploads.
 * Every state change goes through `apply`, which checks it against the state machine.
 */
export class TransferBook extends TypedEventEmitter<TransferEvents> {
  readonly records = new Map<string, TransferRecord>()
  private readonly meters = new Map<string, ProgressMeter>()
  private readonly lastSave = new Map<string, number>()

  constructor(
    readonly store: TransferRecords,
    private readonly peers: PeerLookup,
    readonly log: Logger
  ) {
    super()
  }

  get(id: string): TransferRecord | undefined {
    return this.records.get(id)
  }

  info(rec: TransferRecord): TransferInfo {
    const online = this.peers.onlineName(rec.peerId)
    return {
      id: rec.id,
      shortId: shortId(rec.id, this.records.keys()),
      direction: rec.direction,
      peer: { peerId: rec.peerId, name: online ?? rec.peerName },
      known: online != null,
      name: rec.name,
      ...(rec.offeredName != null && rec.offeredName !== rec.name ? { offeredName: rec.offeredName } : {}),
      size: rec.size,
      sha256: rec.sha256,
      state: rec.state,
      bytes: rec.bytes,
      expiresAt: rec.expiresAt,
      ...(rec.savedAs ? { savedAs: rec.savedAs } : {}),
      ...(rec.error ? { error: rec.error } : {})
    }
  }

  /** Adds a new record, saves it and announces it. */
  async add(rec: TransferRecord): Promise<void> {
    this.records.set(rec.id, rec)
    await this.store.save(rec)
    this.announce(rec)
  }

  /** Drops a record that is over and no longer needed, from memory and from the store. */
  async forget(rec: TransferRecord): Promise<void> {
    this.records.delete(rec.id)
    this.meters.delete(rec.id)
    this.lastSave.delete(rec.id)
    await this.store.remove(rec.id).catch((err: unknown) => this.log('could not forget transfer %s - %e', rec.id, err))
  }

  /** Applies `action` if the state machine allows it; saves and announces the new state. Returns whether it applied. */
  async apply(rec: TransferRecord, action: TransferAction, patch: Partial<TransferRecord> = {}): Promise<boolean> {
    const next = nextState(rec.state, action)
    if (next == null) {
      return false
    }
    Object.assign(rec, patch, { state: next, updatedAt: Date.now() })
    this.meters.delete(rec.id)
    try {
      await this.store.save(rec)
    } catch (err) {
      this.log.error('could not save transfer %s - %e', rec.id, err)
    }
    this.announce(rec)
    return true
  }

  /** Records failure with the error's stable code. */
  async fail(rec: TransferRecord, err: unknown): Promise<boolean> {
    return this.apply(rec, 'fail', { error: describeError(err) })
  }

  announce(rec: TransferRecord): void {
    this.safeDispatchEvent('transfer', { detail: this.info(rec) })
  }

  /** Notes progress: emits throttled progress events and saves the record now and then. */
  progress(rec: TransferRecord, bytes: number, phase: TransferProgressInfo['phase']): void {
    if (phase !== 'hashing') {
      rec.bytes = bytes
    }
    let meter = this.meters.get(rec.id)
    if (meter == null) {
      meter = new ProgressMeter(rec.size)
      this.meters.set(rec.id, meter)
    }
    const now = Date.now()
    const sample = meter.update(bytes, now)
    if (sample != null) {
      this.safeDispatchEvent('transfer-progress', { detail: { transfer: this.info(rec), phase, sample } })
    }
    if (phase !== 'hashing' && now - (this.lastSave.get(rec.id) ?? 0) >= SAVE_INTERVAL_MS) {
      this.lastSave.set(rec.id, now)
      void this.store.save(rec, false).catch((err: unknown) => this.log.error('could not save progress - %e', err))
    }
  }
}

/** The stable code and message of an error, for records and events. */
export function describeError(err: unknown): { code: string; message: string } {
  return { code: errorCode(err), message: err instanceof Error ? err.message : String(err) }
}

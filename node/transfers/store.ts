import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { isTransferId } from '../../protocols/file/index.ts'
import type { TransferState } from './state.ts'

/** Everything we remember about one transfer; one JSON file per transfer, rewritten atomically. */
export interface TransferRecord {
  id: string
  direction: 'in' | 'out'
  /** the other side */
  peerId: string
  /** the other side's name as it was when the offer was made */
  peerName: string
  /** out: the local file's base name; in: the sanitized name it will be saved under */
  name: string
  /** in: the name exactly as offered (shown, never used as a path) */
  offeredName?: string
  size: number
  /** hex */
  sha256: string
  chunkSize: number
  createdAt: number
  /** an unanswered offer expires at this time (ms since the epoch, our clock) */
  expiresAt: number
  state: TransferState
  /** out: bytes handed to the stream so far; in: bytes written and verified */
  bytes: number
  /** out: the absolute path of the file being sent */
  path?: string
  /** out: its modification time when offered; a different one means it was edited */
  mtimeMs?: number
  /** in: the folder it goes to once accepted */
  dir?: string
  /** in: where it was saved once verified */
  savedAs?: string
  /** why it failed or was declined/cancelled */
  error?: { code: string; message: string }
  updatedAt: number
}

const STATES: ReadonlySet<string> = new Set<TransferState>([
  'preparing',
  'offered',
  'waiting',
  'transferring',
  'done',
  'declined',
  'cancelled',
  'expired',
  'failed'
])

/** Per-transfer state in `<dataDir>/transfers`: `<id>.json` for the record, `<id>.hashes` for the chunk hashes. */
export class TransferStore {
  readonly dir: string

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'transfers')
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
  }

  /** Every readable record; damaged files are skipped (and reported through `onBad`), never fatal. */
  async loadAll(onBad: (file: string, err: unknown) => void = () => {}): Promise<TransferRecord[]> {
    const out: TransferRecord[] = []
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json')) {
        continue
      }
      try {
        const record = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as TransferRecord
        if (!isRecord(record) || `${record.id}.json` !== file) {
          throw new Error('not a transfer record')
        }
        out.push(record)
      } catch (err) {
        onBad(file, err)
      }
    }
    return out
  }

  /** Writes the record atomically; `durable` also waits for the disk (state changes, not progress). */
  async save(record: TransferRecord, durable = true): Promise<void> {
    await writeFileAtomic(join(this.dir, `${record.id}.json`), JSON.stringify(record), { mode: 0o600, fsync: durable })
  }

  async saveHashes(id: string, hashes: Uint8Array): Promise<void> {
    await writeFileAtomic(join(this.dir, `${id}.hashes`), Buffer.from(hashes), { mode: 0o600, fsync: true })
  }

  /** The chunk hashes of a transfer, or undefined when we do not have them (yet). */
  async loadHashes(id: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.dir, `${id}.hashes`))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined
      }
      throw err
    }
  }

  async removeHashes(id: string): Promise<void> {
    await rm(join(this.dir, `${id}.hashes`), { force: true })
  }

  /** Forgets a transfer entirely. */
  async remove(id: string): Promise<void> {
    await this.removeHashes(id)
    await rm(join(this.dir, `${id}.json`), { force: true })
  }
}

function isRecord(r: TransferRecord): boolean {
  return (
    typeof r === 'object' &&
    r != null &&
    isTransferId(r.id) &&
    (r.direction === 'in' || r.direction === 'out') &&
    typeof r.peerId === 'string' &&
    typeof r.name === 'string' &&
    Number.isSafeInteger(r.size) &&
    Number.isSafeInteger(r.chunkSize) &&
    typeof r.sha256 === 'string' &&
    STATES.has(r.state)
  )
}

/** What the transfer book needs of a store: the disk one, or the memory one of an ephemeral session. */
export type TransferRecords = Pick<
  TransferStore,
  'open' | 'loadAll' | 'save' | 'saveHashes' | 'loadHashes' | 'removeHashes' | 'remove'
>

/** Transfer state kept in memory only, for `--ephemeral` sessions that must write nothing to disk. */
export class MemoryTransferStore implements TransferRecords {
  private readonly records = new Map<string, TransferRecord>()
  private readonly hashes = new Map<string, Uint8Array>()

  async open(): Promise<void> {}

  async loadAll(): Promise<TransferRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r))
  }

  async save(record: TransferRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record))
  }

  async saveHashes(id: string, hashes: Uint8Array): Promise<void> {
    this.hashes.set(id, Uint8Array.from(hashes))
  }

  async loadHashes(id: string): Promise<Uint8Array | undefined> {
    return this.hashes.get(id)
  }

  async removeHashes(id: string): Promise<void> {
    this.hashes.delete(id)
  }

  async remove(id: string): Promise<void> {
    this.hashes.delete(id)
    this.records.delete(id)
  }
}

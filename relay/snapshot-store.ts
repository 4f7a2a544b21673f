import { open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { NoUsableStateError, SnapshotError } from './errors.ts'
import {
  decodeSnapshot,
  encodeSnapshot,
  MAX_SNAPSHOT_BYTES,
  newestFirst,
  parseSnapshotFileName,
  type Snapshot,
  snapshotFileName,
  toPrune
} from './snapshot.ts'
import type { RelayState } from './state.ts'

export const SNAPSHOT_DIR = 'snapshots'

/** A snapshot that could not be used at start, and why. */
export interface SkippedSnapshot {
  file: string
  reason: string
}

export interface LoadedSnapshot extends Snapshot {
  file: string
  /** newer snapshots that were corrupt and passed over */
  skipped: SkippedSnapshot[]
}

/** Snapshots on disk: written atomically (temp file, fsync, rename, fsync of the folder), the newest `keep` kept. */
export class SnapshotStore {
  readonly dir: string
  private keep: number
  private seq = 0
  /** saves run one at a time, so numbers never collide and pruning never races a write */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(dataDir: string, keep: number) {
    this.dir = join(dataDir, SNAPSHOT_DIR)
    this.keep = keep
  }

  setKeep(keep: number): void {
    this.keep = keep
  }

  /**
   * Loads the newest snapshot that passes every check, passing over corrupt newer ones (reported in `skipped`).
   * Throws NoUsableStateError when there is none: the relay never starts silently with empty state.
   */
  async load(): Promise<LoadedSnapshot> {
    const names = newestFirst(await this.list())
    const skipped: SkippedSnapshot[] = []
    for (const file of names) {
      try {
        const text = await readFile(join(this.dir, file), 'utf8')
        if (text.length > MAX_SNAPSHOT_BYTES) {
          throw new SnapshotError('file is too large to be a snapshot')
        }
        const snapshot = decodeSnapshot(text)
        // number new snapshots above every file present, corrupt ones included, so none is overwritten
        this.seq = Math.max(this.seq, snapshot.seq, ...names.map((n) => parseSnapshotFileName(n) ?? 0))
        return { ...snapshot, file, skipped }
      } catch (err) {
        skipped.push({ file, reason: err instanceof Error ? err.message : String(err) })
      }
    }
    const why = skipped.length === 0 ? 'there are none' : skipped.map((s) => `${s.file}: ${s.reason}`).join('; ')
    throw new NoUsableStateError(
      `no usable snapshot in ${this.dir} (${why}); restore a snapshot file there, or create a relay with 'p2pchat relay init'`
    )
  }

  /** Writes `state` as the next snapshot and deletes the oldest beyond `keep`; resolves with the file name. */
  save(state: RelayState): Promise<string> {
    const run = this.queue.then(() => this.write(state))
    this.queue = run.catch(() => {})
    return run
  }

  private async write(state: RelayState): Promise<string> {
    this.seq++
    const file = snapshotFileName(this.seq)
    await writeFileAtomic(join(this.dir, file), encodeSnapshot({ seq: this.seq, savedAt: Date.now(), state }), {
      mode: 0o600,
      fsync: true
    })
    await this.syncDir()
    for (const old of toPrune(await this.list(), this.keep)) {
      await unlink(join(this.dir, old)).catch(() => {})
    }
    return file
  }

  private async list(): Promise<string[]> {
    try {
      return await readdir(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return []
      }
      throw err
    }
  }

  /** The rename is durable only once the folder itself is synced. */
  private async syncDir(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>> | undefined
    try {
      handle = await open(this.dir, 'r')
      await handle.sync()
    } catch {
      // some platforms (Windows) cannot sync a folder; the file itself was synced
    } finally {
      await handle?.close()
    }
  }
}

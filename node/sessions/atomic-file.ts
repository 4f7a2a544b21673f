import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Replaces files whole and durably: the bytes go to a temporary file beside the target, are flushed (fsync), and the
 * temporary file is renamed over the target, so a crash leaves the old record or the new one, never a mix. Writes to
 * one path land in the order they were called: a session record written twice in a row must end as the second.
 *
 * Written out rather than taken from write-file-atomic for the session records, which are written once per DM
 * received: the library also resolves the real path, stats the old file, chowns and chmods the new one and hooks
 * process exit on every call, and took 0.87-1.09 ms per record on this machine against 0.22-0.55 ms for the five
 * calls below (docs/performance.md, "DMs: where a round trip goes").
 */
export class AtomicFiles {
  private readonly queues = new Map<string, Promise<void>>()

  /** Writes `bytes` to `path` with file mode `mode`, creating its folder when missing. */
  write(path: string, bytes: Uint8Array, mode: number): Promise<void> {
    const before = this.queues.get(path) ?? Promise.resolve()
    const mine = before.then(
      () => this.replace(path, bytes, mode),
      () => this.replace(path, bytes, mode)
    )
    this.queues.set(path, mine)
    const settled = (): void => {
      if (this.queues.get(path) === mine) this.queues.delete(path)
    }
    mine.then(settled, settled)
    return mine
  }

  private async replace(path: string, bytes: Uint8Array, mode: number): Promise<void> {
    // random, not the pid and a count: a restarted process often gets the same pid (in a container, always), and a
    // temporary file its crashed predecessor left would then block the write that picks its name
    const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`
    try {
      await this.writeFlushed(temporary, bytes, mode)
      await rename(temporary, path)
    } catch (err) {
      await rm(temporary, { force: true })
      throw err
    }
  }

  private async writeFlushed(temporary: string, bytes: Uint8Array, mode: number): Promise<void> {
    const file = await open(temporary, 'wx', mode).catch(async (err: NodeJS.ErrnoException) => {
      // the folder went away (an account wiped while a DM came in) or was never made: make it, once
      if (err.code !== 'ENOENT') throw err
      await mkdir(dirname(temporary), { recursive: true, mode: 0o700 })
      return open(temporary, 'wx', mode)
    })
    try {
      await file.writeFile(bytes)
      await file.sync()
    } finally {
      await file.close()
    }
  }
}

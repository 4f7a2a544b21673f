import type { FileDigest } from './hashing.ts'
import type { OutgoingRead } from './sender.ts'

/** A running SHA-256: Node's `createHash('sha256')` on disk, a JavaScript one in a page. */
export interface RunningHash {
  update(data: Uint8Array): unknown
  digest(): Uint8Array
}

/** A file that can be offered: where it is read from and what it is. */
export interface SendableFile {
  /** what `read` and `hash` are given: an absolute path on disk, a key of a picked file in a page */
  path: string
  /** the name offered to the recipient */
  name: string
  size: number
  /** a different one when read means the file was edited since it was offered */
  mtimeMs: number
}

/** Where a download's bytes go while they arrive. */
export interface PartialFile {
  /**
   * Keeps what an earlier attempt left that matches the chunk hashes (none without them) and drops the rest.
   * Returns where to fetch from and the whole-file hash fed with the bytes kept.
   */
  resume(
    expected: Uint8Array | undefined,
    size: number,
    chunkSize: number,
    signal: AbortSignal
  ): Promise<{ offset: number; hash: RunningHash }>
  /** writes `bufs` at `position`, all of them or throws */
  write(bufs: Uint8Array[], position: number): Promise<void>
  /** the verified file becomes the user's under `name`; returns where it is (a path, or what the page shows) */
  finish(name: string): Promise<string>
  close(): Promise<void>
}

/**
 * Where file transfers read and write: files on disk for the terminal (`diskTransferFiles`), picked files and
 * memory in a page. Everything else of a transfer (offers, resume, checks, state) is the same code on both.
 */
export interface TransferFiles {
  /** checks that `path` can be sent; throws FileNotReadableError */
  inspect(path: string): Promise<SendableFile>
  /** the whole-file and per-chunk SHA-256 of a file about to be offered */
  hash(
    path: string,
    size: number,
    chunkSize: number,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void }
  ): Promise<FileDigest>
  /** the file's bytes from `offset` on, in blocks; FileChangedError when it is not what was offered any more */
  read(r: OutgoingRead): AsyncGenerator<Uint8Array>
  /** checks that a file of `size` bytes can go to `dir` (creating it); returns the folder to record */
  prepare(dir: string, size: number): Promise<string>
  /** the partial file of download `id` into `dir`, created when new */
  openPartial(dir: string, id: string): Promise<PartialFile>
  /** removes what a download into `dir` left (stopped, failed, cancelled) */
  removePartial(dir: string, id: string): Promise<void>
}

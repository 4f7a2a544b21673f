import { sha256 } from '@noble/hashes/sha2.js'
import type { PartialFile, RunningHash, SendableFile, TransferFiles } from '../node/transfers/files.ts'
import type { FileDigest } from '../node/transfers/hashing.ts'
import type { OutgoingRead } from '../node/transfers/sender.ts'
import {
  chunkCount,
  chunkLength,
  FileChangedError,
  FileNotReadableError,
  FileTooLargeError,
  READ_BLOCK_BYTES
} from '../protocols/file/index.ts'

/**
 * Largest file the page takes: it keeps a received file as a Blob until the user saves it (a page has no folder
 * to write into), so an offer over this is refused with FILE_TOO_LARGE before anything moves.
 */
export const MAX_PAGE_FILE_BYTES = 256 * 1024 * 1024
/** Received files the page keeps for saving, in all: past this, the oldest are released (their links stop working). */
export const MAX_PAGE_HELD_BYTES = 512 * 1024 * 1024
/** Picked files remembered for sending: a picked file costs only a reference, but the list stays bounded. */
export const MAX_PICKED_FILES = 100
/** Bytes gathered before they become a Blob part, so the JavaScript heap holds one such block per download. */
const STAGING_BYTES = 4 * 1024 * 1024

/** A received, verified file the page offers for saving. */
export interface Received {
  id: string
  name: string
  size: number
  /** an object URL of the file's Blob, for a download link */
  url: string
}

/** How Node's `Hash` and noble's hash meet: digest without arguments gives bytes. */
function newHash(): RunningHash {
  return sha256.create()
}

/**
 * File transfers in a page: files to send are the ones the user picked (under a key, their `path`); received
 * files go to memory and become Blobs with object URLs to save. Bounded by MAX_PAGE_FILE_BYTES per file and
 * MAX_PAGE_HELD_BYTES in all. A download interrupted in a page starts over from the first byte when it resumes.
 */
export class BrowserTransferFiles implements TransferFiles {
  private readonly picked = new Map<string, File>()
  private readonly partials = new Map<string, MemoryPartial>()
  private readonly received = new Map<string, Received>()
  private picks = 0
  /** called when a download is finished and can be saved */
  onReceived: (file: Received) => void = () => undefined

  /** Remembers a picked file; the key returned is what `/send` is given as its path. */
  pick(file: File): string {
    const key = `picked-${++this.picks}/${file.name}`
    this.picked.set(key, file)
    for (const old of this.picked.keys()) {
      if (this.picked.size <= MAX_PICKED_FILES) {
        break
      }
      this.picked.delete(old)
    }
    return key
  }

  /** A received file, while the page still holds it. */
  download(id: string): Received | undefined {
    return this.received.get(id)
  }

  async inspect(path: string): Promise<SendableFile> {
    const file = this.file(path)
    return { path, name: file.name, size: file.size, mtimeMs: file.lastModified }
  }

  async hash(
    path: string,
    size: number,
    chunkSize: number,
    options: { signal?: AbortSignal; onProgress?: (bytes: number) => void }
  ): Promise<FileDigest> {
    const file = this.file(path)
    const whole = sha256.create()
    const chunks = new Uint8Array(chunkCount(size, chunkSize) * 32)
    for (let index = 0; index < chunkCount(size, chunkSize); index++) {
      const chunk = sha256.create()
      const end = index * chunkSize + chunkLength(index, size, chunkSize)
      for (let at = index * chunkSize; at < end; at += READ_BLOCK_BYTES) {
        options.signal?.throwIfAborted()
        const block = new Uint8Array(await file.slice(at, Math.min(end, at + READ_BLOCK_BYTES)).arrayBuffer())
        whole.update(block)
        chunk.update(block)
        options.onProgress?.(at + block.byteLength)
      }
      chunks.set(chunk.digest(), index * 32)
    }
    return { sha256: whole.digest(), chunkHashes: chunks }
  }

  async *read(r: OutgoingRead): AsyncGenerator<Uint8Array> {
    const file = this.picked.get(r.path)
    if (file == null || file.size !== r.size || (r.mtimeMs != null && file.lastModified !== r.mtimeMs)) {
      throw new FileChangedError(`${file?.name ?? 'the file'} is not the one offered any more`)
    }
    for (let at = r.offset; at < r.size; ) {
      const block = new Uint8Array(await file.slice(at, Math.min(r.size, at + READ_BLOCK_BYTES)).arrayBuffer())
      if (block.byteLength === 0) {
        throw new FileChangedError(`${file.name} got shorter since it was offered`)
      }
      yield block
      at += block.byteLength
      r.onBytes?.(at)
    }
  }

  async prepare(dir: string, size: number): Promise<string> {
    if (size > MAX_PAGE_FILE_BYTES) {
      throw new FileTooLargeError(`the page takes files up to ${MAX_PAGE_FILE_BYTES} bytes`)
    }
    return dir
  }

  async openPartial(_dir: string, id: string): Promise<PartialFile> {
    let partial = this.partials.get(id)
    if (partial == null) {
      partial = new MemoryPartial(id, (file) => this.keep(file))
      this.partials.set(id, partial)
    }
    return partial
  }

  async removePartial(_dir: string, id: string): Promise<void> {
    this.partials.delete(id)
  }

  private file(path: string): File {
    const file = this.picked.get(path)
    if (file == null) {
      throw new FileNotReadableError('pick the file to send again: the page no longer has it')
    }
    return file
  }

  /** A finished download: kept for saving, releasing the oldest past MAX_PAGE_HELD_BYTES. */
  private keep(file: Received): void {
    this.partials.delete(file.id)
    this.received.set(file.id, file)
    let held = [...this.received.values()].reduce((n, f) => n + f.size, 0)
    for (const old of this.received.values()) {
      if (held <= MAX_PAGE_HELD_BYTES || old === file) {
        break
      }
      URL.revokeObjectURL(old.url)
      this.received.delete(old.id)
      held -= old.size
    }
    this.onReceived(file)
  }
}

/** A download into memory: bytes in order, gathered into Blob parts. */
class MemoryPartial implements PartialFile {
  private parts: Blob[] = []
  private staging = new Uint8Array(STAGING_BYTES)
  private staged = 0
  private length = 0

  constructor(
    private readonly id: string,
    private readonly done: (file: Received) => void
  ) {}

  async resume(): ReturnType<PartialFile['resume']> {
    // what a page keeps of an earlier attempt is not worth checking chunk by chunk: start over
    this.parts = []
    this.staged = 0
    this.length = 0
    return { offset: 0, hash: newHash() }
  }

  async write(bufs: Uint8Array[], position: number): Promise<void> {
    if (position !== this.length) {
      throw new Error(`a download in a page is written in order: ${position} is not ${this.length}`)
    }
    for (const buf of bufs) {
      let from = 0
      while (from < buf.byteLength) {
        const n = Math.min(buf.byteLength - from, STAGING_BYTES - this.staged)
        this.staging.set(buf.subarray(from, from + n), this.staged)
        this.staged += n
        from += n
        if (this.staged === STAGING_BYTES) {
          this.flush()
        }
      }
      this.length += buf.byteLength
    }
  }

  async finish(name: string): Promise<string> {
    this.flush()
    const blob = new Blob(this.parts, { type: 'application/octet-stream' })
    this.parts = []
    this.done({ id: this.id, name, size: blob.size, url: URL.createObjectURL(blob) })
    return name
  }

  async close(): Promise<void> {}

  private flush(): void {
    if (this.staged > 0) {
      this.parts.push(new Blob([this.staging.slice(0, this.staged)]))
      this.staged = 0
    }
  }
}

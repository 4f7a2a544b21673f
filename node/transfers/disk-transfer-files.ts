import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { mkdir, rm, rmdir, stat, statfs } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { DiskFullError, FileNotReadableError } from '../../protocols/file/index.ts'
import {
  finishedFileMode,
  isOurPartialDir,
  moveIntoPlace,
  openPartial,
  PARTIAL_DIR,
  preparePartialDir
} from './disk-files.ts'
import type { PartialFile, SendableFile, TransferFiles } from './files.ts'
import { hashFile, scanPartial } from './hashing.ts'
import { asDiskError } from './receiver.ts'
import { readForSending } from './sender.ts'
import { resumeOffset } from './state.ts'

/** Transfers to and from files on disk: what the terminal client and every Node peer use. */
export const diskTransferFiles: TransferFiles = {
  inspect: async (path) => inspectFile(path),
  hash: hashFile,
  read: readForSending,
  prepare: async (dir, size) => {
    const target = resolve(dir)
    await mkdir(target, { recursive: true })
    const free = await freeBytes(target)
    if (free != null && free < size) {
      throw new DiskFullError(`not enough space in ${target}: the file needs ${size} bytes, ${free} are free`)
    }
    return target
  },
  openPartial: async (dir, id) => {
    const part = partPath(dir, id)
    await preparePartialDir(dirname(part))
    return new DiskPartial(part, dir, await openPartial(part))
  },
  removePartial: async (dir, id) => {
    const part = partPath(dir, id)
    // through a planted symlink the partial folder could be anyone's: delete only in our own
    if (await isOurPartialDir(dirname(part))) {
      await rm(part, { force: true }).catch(() => {})
    }
    await rmdir(dirname(part)).catch(() => {})
  }
}

async function inspectFile(path: string): Promise<SendableFile> {
  const absolute = resolve(path)
  try {
    const s = await stat(absolute)
    if (!s.isFile()) {
      throw new FileNotReadableError(`${path} is not a regular file`)
    }
    return { path: absolute, name: basename(absolute), size: s.size, mtimeMs: s.mtimeMs }
  } catch (err) {
    if (err instanceof FileNotReadableError) {
      throw err
    }
    throw new FileNotReadableError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
}

function partPath(dir: string, id: string): string {
  return join(dir, PARTIAL_DIR, `${id}.part`)
}

/** A partial file in the download folder's partial folder, moved into place once verified. */
class DiskPartial implements PartialFile {
  constructor(
    private readonly part: string,
    private readonly dir: string,
    private readonly file: FileHandle
  ) {}

  async resume(
    expected: Uint8Array | undefined,
    size: number,
    chunkSize: number,
    signal: AbortSignal
  ): ReturnType<PartialFile['resume']> {
    const length = (await this.file.stat()).size
    const scan = expected != null ? await scanPartial(this.part, length, expected, size, chunkSize, signal) : undefined
    const offset = resumeOffset(scan?.verifiedChunks ?? 0, size, chunkSize)
    await this.file.truncate(offset)
    return { offset, hash: scan?.hash ?? createHash('sha256') }
  }

  async write(bufs: Uint8Array[], position: number): Promise<void> {
    let pending = bufs
    let at = position
    try {
      while (pending.length > 0) {
        const { bytesWritten } = await this.file.writev(pending, at)
        at += bytesWritten
        pending = dropBytes(pending, bytesWritten)
      }
    } catch (err) {
      throw asDiskError(err)
    }
  }

  async finish(name: string): Promise<string> {
    // no fsync of 100s of MB here (browsers do not either): the data reaches the disk in the background
    const savedAs = await moveIntoPlace(this.part, this.dir, name)
    // in place and verified, now an ordinary file of the user's; through our descriptor, never a path someone swapped
    await this.file.chmod(finishedFileMode())
    return savedAs
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => {})
    await rmdir(dirname(this.part)).catch(() => {})
  }
}

function dropBytes(bufs: Uint8Array[], count: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let skip = count
  for (const buf of bufs) {
    if (skip >= buf.byteLength) {
      skip -= buf.byteLength
      continue
    }
    out.push(skip > 0 ? buf.subarray(skip) : buf)
    skip = 0
  }
  return out
}

/** Free bytes for us on the disk holding `dir`, or undefined where the platform cannot tell. */
async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir)
    return s.bavail * s.bsize
  } catch {
    return undefined
  }
}

import {
  chmod,
  constants,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  rename,
  rm,
  rmdir,
  unlink
} from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { UnsafeDownloadPathError } from '../../protocols/file/index.ts'
import { numberedName } from './names.ts'
import { TransferStore } from './store.ts'

/**
 * Where downloads touch the disk. A download folder may be shared (a team folder, /tmp): another local user can plant
 * a symlink or a hard link where we are about to write, to make us overwrite or expose a file of ours. So the partial
 * folder is ours alone (0700, no symlink), partial files are opened without following links and never shared (0600,
 * one link), and a finished file gets the mode the user's umask asks for only when it is complete.
 */

/** Hidden folder inside the download folder for files still arriving: same disk, so finishing is a rename. */
export const PARTIAL_DIR = '.p2pchat-partial'

/** Partial files: nobody else reads a file while it arrives. */
const PARTIAL_FILE_MODE = 0o600
/** The partial folder: nobody else may list it or plant files in it. */
const PARTIAL_DIR_MODE = 0o700

function ownedByUs(uid: number): boolean {
  return process.getuid == null || uid === process.getuid()
}

/** Creates the partial folder `dir` (and the download folder above it); throws unless it is a real folder of ours. */
export async function preparePartialDir(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true })
  await mkdir(dir, { mode: PARTIAL_DIR_MODE }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') {
      throw err
    }
  })
  const st = await lstat(dir)
  if (st.isSymbolicLink() || !st.isDirectory() || !ownedByUs(st.uid)) {
    throw new UnsafeDownloadPathError(
      `${dir} is not a folder of ours (a symlink or someone else's): refusing to use it`
    )
  }
  if ((st.mode & 0o077) !== 0) {
    // left by an older version, or by our own umask: close it now
    await chmod(dir, PARTIAL_DIR_MODE)
  }
}

/** True if `dir` is a real folder of ours: only then may we delete in it. */
export async function isOurPartialDir(dir: string): Promise<boolean> {
  try {
    const st = await lstat(dir)
    return !st.isSymbolicLink() && st.isDirectory() && ownedByUs(st.uid)
  } catch {
    return false
  }
}

/** Opens (or creates) a partial file for reading and writing; never through a symlink, never a file with other links. */
export async function openPartial(path: string): Promise<FileHandle> {
  let file: FileHandle
  try {
    file = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, PARTIAL_FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeDownloadPathError(`${path} is a symlink: refusing to write through it`)
    }
    throw err
  }
  const st = await file.stat()
  if (!st.isFile() || st.nlink !== 1 || !ownedByUs(st.uid)) {
    await file.close().catch(() => {})
    throw new UnsafeDownloadPathError(`${path} is not a plain file of ours alone: refusing to write to it`)
  }
  if ((st.mode & 0o077) !== 0) {
    await file.chmod(PARTIAL_FILE_MODE)
  }
  return file
}

/** The mode a finished download gets: what the user's umask makes of 0666, as for any file they create. */
export function finishedFileMode(): number {
  // process.umask() without an argument reads it; its deprecation is about worker threads, which we do not use here
  return 0o666 & ~process.umask()
}

/**
 * Moves a verified file to `dir` under `name`, or `name (1)`, `name (2)`, ... if taken. A hard link fails
 * rather than replace an existing file (or a planted symlink), so nothing is ever overwritten, even by a file
 * created meanwhile.
 */
export async function moveIntoPlace(part: string, dir: string, name: string): Promise<string> {
  for (let n = 0; n < 10_000; n++) {
    const target = join(dir, numberedName(name, n))
    if (dirname(target) !== resolve(dir)) {
      throw new Error(`refusing to save outside ${dir}`)
    }
    try {
      await link(part, target)
      await unlink(part)
      return target
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') {
        continue
      }
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') {
        throw err
      }
      // no hard links on this file system: check (a symlink, even a dangling one, counts as taken), then rename
      if (await existsNoFollow(target)) {
        continue
      }
      await rename(part, target)
      return target
    }
  }
  throw new Error(`no free name for ${name} in ${dir}`)
}

async function existsNoFollow(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/**
 * Removes the partial files of the downloads recorded in `dataDir` (when the account is destroyed): only
 * `<id>.part` of our own transfers, only in partial folders that are ours; other files in them stay.
 */
export async function removePartialDownloads(dataDir: string): Promise<void> {
  const store = new TransferStore(dataDir)
  const records = await store.loadAll().catch(() => [])
  for (const rec of records) {
    if (rec.direction !== 'in' || rec.dir == null) {
      continue
    }
    const partial = join(rec.dir, PARTIAL_DIR)
    if (await isOurPartialDir(partial)) {
      await rm(join(partial, `${rec.id}.part`), { force: true }).catch(() => {})
      await rmdir(partial).catch(() => {})
    }
  }
}

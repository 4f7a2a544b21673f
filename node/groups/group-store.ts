import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fromString } from 'uint8arrays/from-string'
import { toString as bytesToString } from 'uint8arrays/to-string'
import writeFileAtomic from 'write-file-atomic'
import type { GroupPersistence } from '../../protocols/group/index.ts'

const FORMAT_VERSION = 1
const GROUP_FILE = /^([a-z2-7]+)\.json$/

interface StoredLog {
  version: number
  groupId: string
  /** signed entries, base64 */
  entries: string[]
}

/**
 * Group logs as one JSON file per group under `<dataDir>/groups`, replaced atomically on every change. The keys
 * need no file of their own: they are sealed for us inside the log and reopened with our identity on load.
 */
export class GroupFileStore implements GroupPersistence {
  private readonly dir: string

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'groups')
  }

  async loadAll(): Promise<Array<{ groupId: string; entries: Uint8Array[] }>> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return []
      }
      throw err
    }
    const out: Array<{ groupId: string; entries: Uint8Array[] }> = []
    for (const name of names) {
      const groupId = GROUP_FILE.exec(name)?.[1]
      if (groupId == null) {
        continue
      }
      out.push({ groupId, entries: await this.read(join(this.dir, name), groupId) })
    }
    return out
  }

  /** The entries of one file; none when it is damaged, which the loader reports. */
  private async read(path: string, groupId: string): Promise<Uint8Array[]> {
    try {
      return parseStoredLog(await readFile(path, 'utf8'), groupId)
    } catch {
      return []
    }
  }

  async save(groupId: string, entries: Uint8Array[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    await writeFileAtomic(join(this.dir, `${groupId}.json`), formatStoredLog(groupId, entries), { mode: 0o600 })
  }

  async remove(groupId: string): Promise<void> {
    await rm(join(this.dir, `${groupId}.json`), { force: true })
  }
}

/** A group's signed entries as the text of a stored log (what parseStoredLog reads). */
export function formatStoredLog(groupId: string, entries: Uint8Array[]): string {
  const stored: StoredLog = {
    version: FORMAT_VERSION,
    groupId,
    entries: entries.map((e) => bytesToString(e, 'base64'))
  }
  return JSON.stringify(stored)
}

/** The entries of a stored log's text, none when the file is not one of `groupId` (the loader reports that). */
export function parseStoredLog(text: string, groupId: string): Uint8Array[] {
  try {
    const stored = JSON.parse(text) as StoredLog
    if (stored.version !== FORMAT_VERSION || stored.groupId !== groupId || !Array.isArray(stored.entries)) {
      return []
    }
    return stored.entries.map((e) => fromString(String(e), 'base64'))
  } catch {
    return []
  }
}

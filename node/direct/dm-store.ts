import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { BoundedSet } from '../../protocols/common/index.ts'
import { isValidPeerIdText } from './contacts.ts'
import type { OutboxEntry } from './outbox.ts'

/** Folder of the data directory with the outbox and the ids of DMs received (listed in account/wipe.ts). */
export const DM_STATE_DIR = 'dm-state'

/** Ids of received DMs remembered, to show each once whichever paths its copies took; the oldest go first. */
export const MAX_SEEN_IDS = 5_000

const OUTBOX_FILE = 'outbox.json'
const SEEN_FILE = 'seen.json'
/** Largest file read back: a full outbox of the largest sealed DMs, in base64. */
const MAX_FILE_BYTES = 16 * 1024 * 1024

/** Where the outbox and the seen ids live: files in the data directory, or memory for `--ephemeral`. */
export interface DmStore {
  load: () => Promise<{ outbox: OutboxEntry[]; seen: string[] }>
  /** resolves once the outbox is on disk (fsync) */
  saveOutbox: (entries: OutboxEntry[]) => Promise<void>
  saveSeen: (ids: string[]) => Promise<void>
}

export function memoryDmStore(): DmStore {
  let state = { outbox: [] as OutboxEntry[], seen: [] as string[] }
  return {
    load: async () => state,
    saveOutbox: async (entries) => {
      state = { ...state, outbox: entries.map((e) => ({ ...e })) }
    },
    saveSeen: async (ids) => {
      state = { ...state, seen: [...ids] }
    }
  }
}

export function fileDmStore(dataDir: string): DmStore {
  const dir = join(dataDir, DM_STATE_DIR)
  const write = async (file: string, value: unknown): Promise<void> => {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFileAtomic(join(dir, file), JSON.stringify(value), { mode: 0o600, fsync: true })
  }
  return {
    load: async () => ({
      outbox: asArray(await readJson(join(dir, OUTBOX_FILE))).filter(isOutboxEntry),
      seen: asArray(await readJson(join(dir, SEEN_FILE)))
        .filter((id): id is string => typeof id === 'string')
        .slice(-MAX_SEEN_IDS)
    }),
    saveOutbox: (entries) => write(OUTBOX_FILE, entries),
    saveSeen: (ids) => write(SEEN_FILE, ids)
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    const text = await readFile(path, 'utf8')
    return text.length > MAX_FILE_BYTES ? undefined : JSON.parse(text)
  } catch {
    // missing or unreadable: start empty rather than refuse to start
    return undefined
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** Checks one stored outbox entry's shape; entries that do not pass are dropped. */
export function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value == null) return false
  const e = value as Record<string, unknown>
  const text = (k: string): boolean => typeof e[k] === 'string'
  const num = (k: string): boolean => typeof e[k] === 'number' && Number.isFinite(e[k])
  return (
    text('id') &&
    text('to') &&
    isValidPeerIdText(String(e.to)) &&
    text('toName') &&
    text('sealed') &&
    typeof e.mailId === 'string' &&
    /^[0-9a-f]{32}$/.test(e.mailId) &&
    ['createdAt', 'expiresAt', 'attempts', 'nextAttemptAt'].every(num) &&
    Array.isArray(e.deposited) &&
    e.deposited.every((r) => typeof r === 'string')
  )
}

/** Ids of DMs received, newest last, at most MAX_SEEN_IDS. */
export class SeenIds {
  private readonly ids: BoundedSet<string>

  constructor(ids: string[] = []) {
    this.ids = new BoundedSet(MAX_SEEN_IDS, ids)
  }

  has(key: string): boolean {
    return this.ids.has(key)
  }

  /** Adds a key; false when it was there already. */
  add(key: string): boolean {
    return this.ids.addNew(key)
  }

  list(): string[] {
    return [...this.ids]
  }
}

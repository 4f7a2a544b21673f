import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { BrowserLevel } from 'browser-level'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { Account, type AccountKeeper } from '../node/account/account.ts'
import { PassphraseRequiredError } from '../node/account/errors.ts'
import { decodeSealed, encodeSealed, looksSealed, seal, unseal } from '../node/account/sealed.ts'
import { decodeSettings, defaultSettings, encodeSettings } from '../node/account/settings.ts'
import type { DirectState } from '../node/direct/assemble.ts'
import { type DmStore, isOutboxEntry, MAX_SEEN_IDS } from '../node/direct/dm-store.ts'
import { formatStoredLog, parseStoredLog } from '../node/groups/group-store.ts'
import type { RecordStore } from '../node/sessions/vault.ts'
import type { GroupPersistence } from '../protocols/group/index.ts'
import { HISTORY_DB } from './message-store.ts'

/** The IndexedDB database (browser-level prefixes it with `level-js-`) holding the page's account. */
export const ACCOUNT_DB = 'p2pchat-account'
/** browser-level's default prefix of IndexedDB database names */
const IDB_PREFIX = 'level-js-'
/** the key: base64 of the raw key, or the sealed JSON text (as in an encrypted identity.key) */
const KEY = 'identity'
const SETTINGS = 'account'
const GROUP_PREFIX = 'group!'
/** end-to-end session records (sealed under a key derived from the identity key), as in `<dataDir>/sessions/` */
const SESSION_PREFIX = 'session!'
/** the outbox and the ids of DMs received, as in `<dataDir>/dm-state/` */
const OUTBOX = 'dm!outbox'
const SEEN = 'dm!seen'

/** What the page remembers between visits: the account, the name it last joined with, its groups. */
export interface StoredAccount {
  account: Account
  /** the signed logs of our groups (their keys are sealed inside), so that a reload keeps our memberships */
  groups: GroupPersistence
  /** end-to-end sessions and the outbox, so that a reload keeps both */
  direct: DirectState
}

/** The page's account before it is opened: what can be shown without the passphrase. */
export interface LockedAccount {
  /** the name of the last session, if any */
  name?: string
  /** the stored key is encrypted: unlock() needs its passphrase */
  encrypted: boolean
  /**
   * Opens the account, creating the identity on the first visit (encrypted with `passphrase` if one is given).
   * Throws PassphraseRequiredError or BadPassphraseError for an encrypted key without its passphrase.
   */
  unlock: (passphrase?: string) => Promise<StoredAccount>
}

/**
 * The page's account in IndexedDB: the PeerId survives reloads. Settings (retention, blocks) and group logs are
 * saved there too; destroying the account deletes it and the history.
 */
export async function openBrowserAccount(): Promise<LockedAccount> {
  const db = new BrowserLevel<string, string>(ACCOUNT_DB, { valueEncoding: 'utf8' })
  await db.open()
  const storedKey = await db.get(KEY)
  const storedSettings = await db.get(SETTINGS)
  const saved = storedSettings == null ? undefined : decodeSettings(new TextEncoder().encode(storedSettings))
  const encrypted = storedKey != null && looksSealed(new TextEncoder().encode(storedKey))
  const unlock = async (passphrase?: string): Promise<StoredAccount> => {
    const key = await loadOrCreateKey(db, storedKey, passphrase)
    const settings = saved ?? defaultSettings(peerIdFromPrivateKey(key).toString(), true)
    const account = Account.kept(key, settings, keeper(db))
    return { account, groups: groupStore(db), direct: directState(db) }
  }
  return { name: saved?.name, encrypted, unlock }
}

async function loadOrCreateKey(
  db: BrowserLevel<string, string>,
  stored: string | undefined,
  passphrase: string | undefined
): Promise<PrivateKey> {
  if (stored == null) {
    const key = await generateKeyPair('Ed25519')
    const raw = privateKeyToProtobuf(key)
    const value =
      passphrase == null
        ? uint8ArrayToString(raw, 'base64')
        : new TextDecoder().decode(encodeSealed(await seal(raw, passphrase, 'key')))
    await db.put(KEY, value)
    return key
  }
  const bytes = new TextEncoder().encode(stored)
  if (!looksSealed(bytes)) {
    return privateKeyFromProtobuf(uint8ArrayFromString(stored, 'base64'))
  }
  if (passphrase == null) {
    throw new PassphraseRequiredError('this browser keeps your key encrypted: enter its passphrase')
  }
  return privateKeyFromProtobuf(await unseal(decodeSealed(bytes, 'key'), passphrase))
}

function keeper(db: BrowserLevel<string, string>): AccountKeeper {
  return {
    saveSettings: async (s) => db.put(SETTINGS, new TextDecoder().decode(encodeSettings(s))),
    wipe: async () => {
      await db.clear()
      await db.close()
      // the history store is closed by then: the node closes it before it wipes the account
      await deleteDatabase(IDB_PREFIX + HISTORY_DB)
      await deleteDatabase(IDB_PREFIX + ACCOUNT_DB)
      return { removedDir: true, kept: [] }
    }
  }
}

/** Group logs in the account's database, one record per group (what node/groups/group-store.ts keeps in files). */
function groupStore(db: BrowserLevel<string, string>): GroupPersistence {
  return {
    loadAll: async () => {
      const out: Array<{ groupId: string; entries: Uint8Array[] }> = []
      for await (const [key, value] of db.iterator({ gt: GROUP_PREFIX, lt: `${GROUP_PREFIX}~` })) {
        const groupId = key.slice(GROUP_PREFIX.length)
        // a damaged record loads as no entries, which the group service reports
        out.push({ groupId, entries: parseStoredLog(value, groupId) })
      }
      return out
    },
    save: async (groupId, entries) => db.put(GROUP_PREFIX + groupId, formatStoredLog(groupId, entries)),
    remove: async (groupId) => db.del(GROUP_PREFIX + groupId)
  }
}

/** Sessions and DM state in the account's database (what the terminal keeps in `sessions/` and `dm-state/`). */
function directState(db: BrowserLevel<string, string>): DirectState {
  const sessions: RecordStore = {
    get: async (name) => {
      const value = await db.get(SESSION_PREFIX + name)
      return value == null ? undefined : uint8ArrayFromString(value, 'base64')
    },
    put: async (name, bytes) => db.put(SESSION_PREFIX + name, uint8ArrayToString(bytes, 'base64')),
    list: async () => {
      const names: string[] = []
      for await (const key of db.keys({ gt: SESSION_PREFIX, lt: `${SESSION_PREFIX}~` })) {
        names.push(key.slice(SESSION_PREFIX.length))
      }
      return names
    },
    del: async (name) => db.del(SESSION_PREFIX + name)
  }
  const dms: DmStore = {
    load: async () => ({
      outbox: jsonArray(await db.get(OUTBOX)).filter(isOutboxEntry),
      seen: jsonArray(await db.get(SEEN))
        .filter((id): id is string => typeof id === 'string')
        .slice(-MAX_SEEN_IDS)
    }),
    saveOutbox: async (entries) => db.put(OUTBOX, JSON.stringify(entries)),
    saveSeen: async (ids) => db.put(SEEN, JSON.stringify(ids))
  }
  return { sessions, dms }
}

/** A stored JSON array, or an empty one for anything else (missing, damaged). */
function jsonArray(text: string | undefined): unknown[] {
  try {
    const value: unknown = text == null ? undefined : JSON.parse(text)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`))
    // another tab holds it open: it goes once that tab closes; our part is done
    request.onblocked = () => resolve()
  })
}

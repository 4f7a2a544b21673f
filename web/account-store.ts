import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { BrowserLevel } from 'browser-level'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { Account, type AccountKeeper } from '../node/account/account.ts'
import { decodeSettings, defaultSettings, encodeSettings } from '../node/account/settings.ts'
import { formatStoredLog, parseStoredLog } from '../node/groups/group-store.ts'
import type { GroupPersistence } from '../protocols/group/index.ts'
import { HISTORY_DB } from './message-store.ts'

/** The IndexedDB database (browser-level prefixes it with `level-js-`) holding the page's account. */
export const ACCOUNT_DB = 'p2pchat-account'
/** browser-level's default prefix of IndexedDB database names */
const IDB_PREFIX = 'level-js-'
const KEY = 'identity'
const SETTINGS = 'account'

/** What the page remembers between visits: the account, the name it last joined with, its groups. */
export interface StoredAccount {
  account: Account
  /** the name of the last session, if any */
  name?: string
  /** the signed logs of our groups (their keys are sealed inside), so that a reload keeps our memberships */
  groups: GroupPersistence
}

const GROUP_PREFIX = 'group!'

/**
 * Opens the page's account from IndexedDB, creating an identity on the first visit: the PeerId survives reloads.
 * Settings (retention, blocks) are saved there too, and destroying the account deletes it and the history.
 */
export async function openBrowserAccount(): Promise<StoredAccount> {
  const db = new BrowserLevel<string, string>(ACCOUNT_DB, { valueEncoding: 'utf8' })
  await db.open()
  const storedKey = await db.get(KEY)
  let key: PrivateKey
  if (storedKey == null) {
    key = await generateKeyPair('Ed25519')
    await db.put(KEY, uint8ArrayToString(privateKeyToProtobuf(key), 'base64'))
  } else {
    key = privateKeyFromProtobuf(uint8ArrayFromString(storedKey, 'base64'))
  }
  const peerId = peerIdFromPrivateKey(key).toString()
  const storedSettings = await db.get(SETTINGS)
  const settings =
    storedSettings == null ? defaultSettings(peerId, true) : decodeSettings(new TextEncoder().encode(storedSettings))
  const keeper: AccountKeeper = {
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
  return { account: Account.kept(key, settings, keeper), name: settings.name, groups: groupStore(db) }
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

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`))
    // another tab holds it open: it goes once that tab closes; our part is done
    request.onblocked = () => resolve()
  })
}

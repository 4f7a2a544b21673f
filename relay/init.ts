import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ensureDataDir } from '../node/data-dir.ts'
import { AdminRefusedError } from '../protocols/admin/index.ts'
import { CONFIG_FILE, DEFAULT_CONFIG, validateConfig, writeConfig } from './config.ts'
import { ConfigError, RelayExistsError } from './errors.ts'
import { createKey, identityPath, OPERATOR_KEY_FILE } from './files.ts'
import { SNAPSHOT_DIR, SnapshotStore } from './snapshot-store.ts'
import { checkAdminPeerId, createState } from './state.ts'

export interface RelayInit {
  dataDir: string
  name: string
  description?: string
  /** PeerIds of the first admins (at least one) */
  admins: string[]
  /** listen addresses to put in the new config */
  listen?: string[]
}

/** Creates a relay in an empty data directory: identity, operator key, config file and first snapshot. */
export async function initRelay(init: RelayInit): Promise<{ peerId: string; dataDir: string }> {
  if (init.admins.length === 0) {
    throw new ConfigError('at least one --admin <peerId> is required (p2pchat id prints yours)', 'admin')
  }
  const admins = init.admins.map((a) => {
    try {
      return checkAdminPeerId(a)
    } catch (err) {
      throw new ConfigError(err instanceof AdminRefusedError ? err.message : String(err), 'admin')
    }
  })
  const settings = validateConfig({ ...DEFAULT_CONFIG, ...(init.listen?.length ? { listen: init.listen } : {}) })
  const dataDir = await ensureDataDir(init.dataDir)
  const present = await readdir(dataDir)
  const taken = present.filter((f) => [CONFIG_FILE, OPERATOR_KEY_FILE, SNAPSHOT_DIR, 'identity.key'].includes(f))
  if (taken.length > 0) {
    throw new RelayExistsError(`${dataDir} already holds a relay (${taken.join(', ')}); refusing to overwrite it`)
  }
  const key = await createKey(identityPath(dataDir))
  await createKey(join(dataDir, OPERATOR_KEY_FILE))
  const peerId = peerIdFromPrivateKey(key).toString()
  const state = createState({
    peerId,
    name: init.name,
    description: init.description ?? '',
    createdAt: Date.now(),
    admins,
    settings
  })
  await writeConfig(join(dataDir, CONFIG_FILE), settings)
  await mkdir(join(dataDir, SNAPSHOT_DIR), { recursive: true, mode: 0o700 })
  await new SnapshotStore(dataDir, settings.snapshotsKept).save(state)
  return { peerId, dataDir }
}

import { join } from 'node:path'
import { CONFIG_FILE, readConfig, writeConfig } from './config.ts'
import { NoUsableStateError } from './errors.ts'
import { fdLimitWarning, fdSoftLimit } from './process-limits.ts'
import { SnapshotStore } from './snapshot-store.ts'
import type { RelayState } from './state.ts'

/** Something the relay got past while loading, shown to the operator at start. */
export interface LoadWarning {
  code: string
  message: string
}

/**
 * The relay's state in `dataDir`: the newest valid snapshot (passing over corrupt newer ones with a warning) with
 * the settings of its config file (or, when that is missing, the snapshot's, written back), and a warning when
 * the open file limit cannot hold maxConnections. Throws ConfigError for a bad config and NoUsableStateError when
 * there is no state of relay `peerId` to start from.
 */
export async function loadRelayState(
  dataDir: string,
  peerId: string
): Promise<{ state: RelayState; store: SnapshotStore; warnings: LoadWarning[] }> {
  const config = await readConfig(join(dataDir, CONFIG_FILE))
  const store = new SnapshotStore(dataDir, config?.snapshotsKept ?? 5)
  const loaded = await store.load()
  const warnings = loaded.skipped.map((s) => ({
    code: 'SNAPSHOT_FALLBACK',
    message: `snapshot ${s.file} is unusable (${s.reason}); started from the previous one, ${loaded.file}`
  }))
  if (loaded.state.metadata.peerId !== peerId) {
    throw new NoUsableStateError(
      `the snapshots in ${store.dir} belong to relay ${loaded.state.metadata.peerId}, not ${peerId}`
    )
  }
  const state = loaded.state
  if (config == null) {
    warnings.push({
      code: 'CONFIG_MISSING',
      message: `${CONFIG_FILE} is missing; using the settings saved in ${loaded.file} and writing them back`
    })
    await writeConfig(join(dataDir, CONFIG_FILE), state.settings)
  } else {
    state.settings = config
  }
  store.setKeep(state.settings.snapshotsKept)
  const fdWarning = fdLimitWarning(state.settings.maxConnections, await fdSoftLimit())
  if (fdWarning != null) {
    warnings.push({ code: 'FD_LIMIT_LOW', message: fdWarning })
  }
  return { state, store, warnings }
}

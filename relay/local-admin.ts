import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { type AdminReply, checkCommand, sendAdminCommand } from '../protocols/admin/index.ts'
import { executeAdmin } from './admin-commands.ts'
import { CONFIG_FILE, readConfig, writeConfig } from './config.ts'
import { RelayNotRunningError } from './errors.ts'
import { OPERATOR_KEY_FILE, readKey, readRunInfo } from './files.ts'
import { KnownUsers } from './known-users.ts'
import { SnapshotStore } from './snapshot-store.ts'

export interface LocalAdminInit {
  dataDir: string
  command: string
  args: string[]
}

/**
 * `p2pchat relay admin ...` on the relay host. With the relay running, the command goes over the admin protocol,
 * signed with the host's operator key, exactly like an admin's. With it stopped, commands on state (ban, add, set, ...)
 * are applied to the newest snapshot and saved as a new one; commands on users need it running.
 */
export async function runLocalAdmin(init: LocalAdminInit): Promise<AdminReply> {
  const command = checkCommand(init.command, init.args)
  const operatorKey = await readKey(join(init.dataDir, OPERATOR_KEY_FILE))
  const running = await readRunInfo(init.dataDir)
  if (running != null) {
    return viaNetwork(operatorKey, running.peerId, running.addrs, command, init.args)
  }
  const config = await readConfig(join(init.dataDir, CONFIG_FILE))
  const store = new SnapshotStore(init.dataDir, config?.snapshotsKept ?? 5)
  const { state } = await store.load()
  if (config != null) {
    state.settings = config
  }
  const operator = peerIdFromPrivateKey(operatorKey).toString()
  const known = new KnownUsers(state.users)
  const notRunning = (): never => {
    throw new RelayNotRunningError('the relay is not running')
  }
  const result = await executeAdmin(
    {
      state,
      known,
      running: false,
      operator,
      online: () => [],
      here: () => false,
      disconnect: async () => notRunning(),
      announce: async () => notRunning(),
      message: async () => notRunning(),
      publishBans: async () => {},
      persist: async (settingsChanged) => {
        if (settingsChanged) {
          await writeConfig(join(init.dataDir, CONFIG_FILE), state.settings)
        }
        await store.save(state)
      },
      applyLive: () => {},
      shutdown: () => notRunning()
    },
    { signer: operator, command, args: init.args, ts: Date.now() }
  )
  return { ok: true, code: '', users: [], bans: [], settings: [], admins: [], ...result }
}

async function viaNetwork(
  operatorKey: Awaited<ReturnType<typeof readKey>>,
  relay: string,
  addrs: string[],
  command: string,
  args: string[]
): Promise<AdminReply> {
  const node = await createLibp2p({
    privateKey: operatorKey,
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  try {
    // loopback first (this runs on the relay host), then TCP before WebSockets
    const rank = (a: string): number => (a.includes('/127.0.0.1/') ? 0 : 2) + (a.includes('/ws') ? 1 : 0)
    const sorted = [...addrs].sort((a, b) => rank(a) - rank(b))
    let lastError: unknown = new RelayNotRunningError('the relay has no addresses')
    for (const addr of sorted) {
      try {
        await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(5000) })
        lastError = undefined
        break
      } catch (err) {
        lastError = err
      }
    }
    if (lastError != null) {
      throw new RelayNotRunningError(
        `the relay runs but cannot be reached at ${addrs.join(' ')}: ${lastError instanceof Error ? lastError.message : String(lastError)}`
      )
    }
    return await sendAdminCommand(
      { privateKey: operatorKey, openStream: (peer, protocol, options) => node.dialProtocol(peer, protocol, options) },
      peerIdFromString(relay),
      command,
      args
    )
  } finally {
    await node.stop()
  }
}

import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import writeFileAtomic from 'write-file-atomic'
import { CorruptIdentityError, DataDirInUseError } from '../node/errors.ts'
import { IDENTITY_FILE } from '../node/identity.ts'
import { NoUsableStateError } from './errors.ts'

/** The key of the relay host's operator: `p2pchat relay admin` signs with it, and the relay trusts it as an admin. */
export const OPERATOR_KEY_FILE = 'operator.key'

/** Written while the relay runs: its process id and addresses, for `p2pchat relay admin` to find it. */
export const RUN_FILE = 'run.json'

export interface RunInfo {
  pid: number
  peerId: string
  addrs: string[]
  startedAt: number
}

export async function createKey(path: string): Promise<PrivateKey> {
  const key = await generateKeyPair('Ed25519')
  await writeFileAtomic(path, Buffer.from(privateKeyToProtobuf(key)), { mode: 0o600, fsync: true })
  return key
}

/** Reads a key file; a missing one means this is not a relay data directory. */
export async function readKey(path: string): Promise<PrivateKey> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NoUsableStateError(
        `${path} is missing: is this a relay data directory? Create one with 'p2pchat relay init'`
      )
    }
    throw err
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new CorruptIdentityError(`${path} is not a valid key (${err instanceof Error ? err.message : String(err)})`)
  }
}

export function identityPath(dataDir: string): string {
  return join(dataDir, IDENTITY_FILE)
}

/** The running relay's details, or undefined when none runs (a run file left by a killed relay does not count). */
export async function readRunInfo(dataDir: string): Promise<RunInfo | undefined> {
  let info: RunInfo
  try {
    info = JSON.parse(await readFile(join(dataDir, RUN_FILE), 'utf8')) as RunInfo
  } catch {
    return undefined
  }
  return typeof info.pid === 'number' && isAlive(info.pid) && Array.isArray(info.addrs) ? info : undefined
}

/** Claims the data directory for this process; refuses when another live relay holds it. */
export async function claimRunFile(dataDir: string, info: RunInfo): Promise<void> {
  const running = await readRunInfo(dataDir)
  if (running != null && running.pid !== process.pid) {
    throw new DataDirInUseError(`a relay (pid ${running.pid}) already runs on ${dataDir}`)
  }
  await writeFileAtomic(join(dataDir, RUN_FILE), `${JSON.stringify(info)}\n`, { mode: 0o600 })
}

export async function releaseRunFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, RUN_FILE), { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

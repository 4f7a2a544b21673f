import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import writeFileAtomic from 'write-file-atomic'
import { CorruptIdentityError } from './errors.ts'

export const IDENTITY_FILE = 'identity.key'

/** Loads the Ed25519 identity from `dataDir`, creating it on first run, so the PeerId survives restarts. */
export async function loadOrCreateIdentity(dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, IDENTITY_FILE)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err
    }
    const key = await generateKeyPair('Ed25519')
    await writeFileAtomic(path, Buffer.from(privateKeyToProtobuf(key)), { mode: 0o600, fsync: true })
    return key
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new CorruptIdentityError(
      `${path} is not a valid identity key (${err instanceof Error ? err.message : String(err)}); move it away to start with a new identity`
    )
  }
}

import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type PeerProcess, spawnPeer, tempDir } from './harness.ts'

const BLOCK = 1024 * 1024

/** Writes `size` random bytes to a new file in a temp dir and returns its path and SHA-256. */
export async function randomFile(size: number, name = 'payload.bin'): Promise<{ path: string; sha256: string }> {
  const path = join(tempDir('p2pchat-src-'), name)
  const hash = createHash('sha256')
  const fh = await open(path, 'w')
  try {
    for (let done = 0; done < size; done += BLOCK) {
      const block = randomBytes(Math.min(BLOCK, size - done))
      hash.update(block)
      await fh.write(block)
    }
  } finally {
    await fh.close()
  }
  return { path, sha256: hash.digest('hex') }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM). */
export async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]
  if (kb == null) {
    throw new Error(`no ${field} for ${pid}`)
  }
  return Number(kb) * 1024
}

/** Everything under `dir`, hidden entries included, as relative paths. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    out.push(join(entry.parentPath, entry.name).slice(dir.length + 1))
  }
  return out.sort()
}

export interface Pair {
  alice: PeerProcess
  bob: PeerProcess
  /** bob's download folder */
  downloads: string
}

/** alice and bob on loopback, bob bootstrapped to alice, both seeing each other online. */
export async function twoPeers(
  opts: { aliceArgs?: string[]; bobArgs?: string[]; bobDataDir?: string; downloads?: string } = {}
): Promise<Pair> {
  const downloads = opts.downloads ?? tempDir('p2pchat-dl-')
  const alice = await spawnPeer({ name: 'alice', extraArgs: opts.aliceArgs })
  const bob = await spawnPeer({
    name: 'bob',
    bootstrap: [alice.addrs[0]],
    dataDir: opts.bobDataDir,
    extraArgs: ['--download-dir', downloads, ...(opts.bobArgs ?? [])]
  })
  await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
  return { alice, bob, downloads }
}

/** alice offers `path` to bob; resolves with the offer as bob sees it. */
export async function offer(pair: Pair, path: string): Promise<{ id: string; shortId: string }> {
  const from = pair.bob.events.length
  pair.alice.send(`/send bob ${path}`)
  return pair.bob.waitFor('offer', () => true, { from })
}

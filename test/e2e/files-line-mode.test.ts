import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { randomFile, sha256File } from './files-helpers.ts'
import { cleanup, spawnPeer, tempDir } from './harness.ts'

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname
const MB = 1024 * 1024

/** A peer in line mode (stdin and stdout piped, no --json), as a script or a log would run it. */
function linePeer(
  name: string,
  args: string[]
): { child: ChildProcess; lines: string[]; until: (re: RegExp) => Promise<string> } {
  const child = spawn(process.execPath, [BIN, 'start', '--name', name, '--data-dir', tempDir(), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, DEBUG: '' }
  })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line)
    for (const wake of waiters) {
      wake()
    }
  })
  const until = (re: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = lines.find((l) => re.test(l))
        if (hit != null) {
          waiters.delete(check)
          clearTimeout(timer)
          resolve(hit)
        }
        return hit != null
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no line matching ${re}; got:\n${lines.join('\n')}`))
      }, 30_000)
      if (!check()) {
        waiters.add(check)
      }
    })
  return { child, lines, until }
}

describe('file transfer in line mode', () => {
  let bob: ChildProcess | undefined

  afterEach(async () => {
    bob?.kill('SIGKILL')
    await cleanup()
  })

  it('shows the offer with its id, progress lines and where the verified file was saved', async () => {
    const file = await randomFile(30 * MB, 'notes.pdf')
    const downloads = tempDir('p2pchat-dl-')
    const alice = await spawnPeer({ name: 'alice', extraArgs: ['--max-upload-rate', '10MB'] })
    const line = linePeer('bob', [
      '--no-mdns',
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--bootstrap',
      alice.addrs[0],
      '--download-dir',
      downloads
    ])
    bob = line.child
    await alice.waitForUsers((users) => users.length === 2)
    // bob must know alice too, or her offer is rightly shown as from someone not online
    await line.until(/\* alice joined/)
    alice.send(`/send bob ${file.path}`)
    const offer = await line.until(/alice offers notes\.pdf, 30 MB \[[0-9a-f]{6,}\]/)
    const shortId = /\/accept ([0-9a-f]+)/.exec(offer)![1]
    line.child.stdin!.write(`/accept ${shortId}\n`)
    const saved = await line.until(/saved .*notes\.pdf/)
    expect(saved).toContain(join(downloads, 'notes.pdf'))
    expect(saved).toContain(file.sha256)
    expect(await sha256File(join(downloads, 'notes.pdf'))).toBe(file.sha256)
    // without a terminal, progress comes as a line per 10%, with rate and ETA
    const progress = line.lines.filter((l) => l.includes(`[${shortId}] receiving notes.pdf`))
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.length).toBeLessThanOrEqual(11)
    expect(progress.at(-1)).toMatch(/100% 30 MB\/30 MB .*\/s ETA/)
  })
})

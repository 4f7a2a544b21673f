import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, initRelay, killRelays, localAdmin, newIdentity, spawnPeer, startRelay } from './harness.ts'

const BIN = new URL('../../bin/p2pchat.js', import.meta.url).pathname
const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

async function randomPeerId(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

/** Runs the CLI to completion; resolves with its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args])
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

async function snapshots(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, 'snapshots'))).filter((f) => f.endsWith('.json')).sort()
}

describe('relay state', () => {
  afterEach(async () => {
    await cleanup()
    await killRelays()
  })

  it('init creates a relay once and refuses to overwrite it; at least one valid admin is required', async () => {
    const admin = await randomPeerId()
    const { dataDir, peerId } = await initRelay({ admins: [admin] })
    expect(peerId).toMatch(/^12D3KooW/)
    const again = await cli(['relay', 'init', '--json', '--data-dir', dataDir, '--name', 'x', '--admin', admin])
    expect(again.code).toBe(1)
    expect(JSON.parse(again.stdout)).toMatchObject({ type: 'error', code: 'RELAY_EXISTS' })
    const noAdmin = await cli(['relay', 'init', '--json', '--data-dir', `${dataDir}-2`, '--name', 'x'])
    expect(noAdmin.code).toBe(2)
    expect(JSON.parse(noAdmin.stdout).message).toMatch(/admin/)
    const badAdmin = await cli([
      'relay',
      'init',
      '--json',
      '--data-dir',
      `${dataDir}-3`,
      '--name',
      'x',
      '--admin',
      'bob'
    ])
    expect(badAdmin.code).toBe(2)
    expect(JSON.parse(badAdmin.stdout).message).toMatch(/'bob' is not a PeerId/)
  })

  it('an invalid config file stops the relay from starting, with an error naming the key', async () => {
    const { dataDir } = await initRelay({ admins: [await randomPeerId()], listen: LOOPBACK })
    const path = join(dataDir, 'relay.json')
    const config = JSON.parse(await readFile(path, 'utf8'))
    await writeFile(path, JSON.stringify({ ...config, maxConnections: 'plenty' }))
    let result = await cli(['relay', 'start', '--json', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'error', code: 'INVALID_CONFIG' })
    expect(JSON.parse(result.stdout).message).toMatch(/'maxConnections'/)
    await writeFile(path, JSON.stringify({ ...config, maxConection: 5 }))
    result = await cli(['relay', 'start', '--json', '--data-dir', dataDir])
    expect(JSON.parse(result.stdout).message).toMatch(/unknown key 'maxConection'/)
    await writeFile(path, '{ "listen": [')
    result = await cli(['relay', 'start', '--json', '--data-dir', dataDir])
    expect(JSON.parse(result.stdout)).toMatchObject({ code: 'INVALID_CONFIG' })
  })

  it('kill -9 and restart: same PeerId, admins, bans and settings', async () => {
    const { dataDir, peerId } = await initRelay({ admins: [await randomPeerId()], listen: LOOPBACK })
    const relay = await startRelay({ dataDir })
    expect(relay.peerId).toBe(peerId)
    const [newAdmin, banned] = await Promise.all([randomPeerId(), randomPeerId()])
    expect((await localAdmin(dataDir, ['add', newAdmin])).code).toBe(0)
    expect((await localAdmin(dataDir, ['ban', banned, 'spam', 'bot'])).code).toBe(0)
    expect((await localAdmin(dataDir, ['set', 'motd', 'survives crashes'])).code).toBe(0)
    relay.kill('SIGKILL')
    expect((await relay.exited).signal).toBe('SIGKILL')

    const again = await startRelay({ dataDir })
    expect(again.peerId).toBe(peerId)
    const admins = (await localAdmin(dataDir, ['admins'])).event.admins as Array<{ peerId: string }>
    expect(admins.map((a) => a.peerId)).toContain(newAdmin)
    const bans = (await localAdmin(dataDir, ['bans'])).event.bans as Array<{ peerId: string; reason: string }>
    expect(bans).toEqual([expect.objectContaining({ peerId: banned, reason: 'spam bot' })])
    expect((await localAdmin(dataDir, ['get', 'motd'])).event.settings).toEqual([
      { key: 'motd', value: 'survives crashes', mutable: true }
    ])
  })

  it('a corrupt newest snapshot: the relay starts from the previous one and warns; with none usable it refuses to start', async () => {
    const { dataDir, peerId } = await initRelay({ admins: [await randomPeerId()], listen: LOOPBACK })
    const banned = await randomPeerId()
    expect((await localAdmin(dataDir, ['ban', banned])).code).toBe(0)
    expect((await localAdmin(dataDir, ['set', 'motd', 'newest'])).code).toBe(0)
    const files = await snapshots(dataDir)
    const newest = files.at(-1)!
    const text = await readFile(join(dataDir, 'snapshots', newest), 'utf8')
    await writeFile(join(dataDir, 'snapshots', newest), text.slice(0, Math.floor(text.length / 2)))

    const relay = await startRelay({ dataDir })
    expect(relay.peerId).toBe(peerId)
    const warning = await relay.waitFor('warning', (w) => w.code === 'SNAPSHOT_FALLBACK')
    expect(String(warning.message)).toContain(newest)
    // the ban came from the previous snapshot; the motd change was only in the corrupt one
    const bans = (await localAdmin(dataDir, ['bans'])).event.bans as Array<{ peerId: string }>
    expect(bans.map((b) => b.peerId)).toEqual([banned])
    relay.kill('SIGKILL')
    await relay.exited

    for (const file of await snapshots(dataDir)) {
      await writeFile(join(dataDir, 'snapshots', file), '{"format":"p2pchat-relay-snapshot"')
    }
    const result = await cli(['relay', 'start', '--json', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'error', code: 'NO_USABLE_STATE' })
  })

  it('local admin works on a stopped relay for state, and says it must run for commands on users', async () => {
    const { dataDir } = await initRelay({ admins: [await randomPeerId()], listen: LOOPBACK })
    const banned = await randomPeerId()
    expect((await localAdmin(dataDir, ['ban', banned, 'offline ban'])).code).toBe(0)
    const kick = await localAdmin(dataDir, ['kick', 'someone'])
    expect(kick.code).toBe(1)
    expect(kick.event).toMatchObject({ type: 'error', code: 'NOT_RUNNING' })
    const relay = await startRelay({ dataDir })
    void relay
    const bans = (await localAdmin(dataDir, ['bans'])).event.bans as Array<{ peerId: string }>
    expect(bans.map((b) => b.peerId)).toEqual([banned])
  })

  it('/admin shutdown: users are told, state is saved, the relay exits 0', async () => {
    const alice = await newIdentity()
    const { dataDir } = await initRelay({ admins: [alice.peerId], listen: LOOPBACK })
    const relay = await startRelay({ dataDir })
    const client = await spawnPeer({ name: 'alice', dataDir: alice.dataDir, extraArgs: ['--relay', relay.addrOn()] })
    await client.waitFor('relay', (e) => e.state === 'reserved')
    const before = (await snapshots(dataDir)).length
    client.send('/admin shutdown 1')
    await client.waitFor('admin', (e) => e.command === 'shutdown')
    await client.waitFor('notice', (n) => n.kind === 'shutdown' && n.seconds === 1)
    expect(await relay.exited).toEqual({ code: 0, signal: null })
    await relay.waitFor('stopped')
    expect(existsSync(join(dataDir, 'run.json'))).toBe(false)
    expect((await readdir(join(dataDir, 'snapshots'))).length).toBeGreaterThanOrEqual(Math.min(before + 1, 5))
    await client.waitFor('relay', (e) => e.state === 'lost')
  })
})

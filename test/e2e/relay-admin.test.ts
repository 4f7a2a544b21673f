import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_PROTOCOL,
  type AdminReply,
  decodeReply,
  decodeRequest,
  encodeRequest,
  signRequest
} from '../../protocols/admin/index.ts'
import {
  cleanup,
  initRelay,
  killRelays,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay
} from './harness.ts'

/** Sends an admin line; resolves with 'ok' or the error code the client reported, and that answer. */
async function answer(peer: PeerProcess, line: string): Promise<{ code: string; event: Record<string, unknown> }> {
  const from = peer.events.length
  peer.send(line)
  const waits = [peer.waitFor('admin', () => true, { from }), peer.waitFor('error', () => true, { from })] as const
  // the one that loses the race times out later; that is expected, not a failure
  for (const w of waits) {
    w.catch(() => {})
  }
  const first = await Promise.race(waits)
  return { code: first.type === 'admin' ? 'ok' : first.code, event: first as unknown as Record<string, unknown> }
}

describe('relay admin commands', () => {
  let relay: RelayProcess
  let alice: PeerProcess
  let bob: PeerProcess
  let scriptKey: PrivateKey
  let script: Libp2p

  beforeAll(async () => {
    scriptKey = await generateKeyPair('Ed25519')
    const [aliceId, bobId] = await Promise.all([newIdentity(), newIdentity()])
    const { dataDir } = await initRelay({
      admins: [aliceId.peerId, peerIdFromPrivateKey(scriptKey).toString()],
      listen: ['/ip4/127.0.0.1/tcp/0']
    })
    relay = await startRelay({ dataDir })
    const client = (name: string, dir: string): Promise<PeerProcess> =>
      spawnPeer({ name, dataDir: dir, extraArgs: ['--relay', relay.addrOn()] })
    ;[alice, bob] = await Promise.all([client('alice', aliceId.dataDir), client('bob', bobId.dataDir)])
    await Promise.all([alice, bob].map((p) => p.waitFor('relay', (e) => e.state === 'reserved')))
    await Promise.all([alice, bob].map((p) => p.waitForUsers((users) => users.length === 2)))
    script = await createLibp2p({
      privateKey: scriptKey,
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    })
    await script.dial(multiaddr(relay.addrOn()))
  })

  afterAll(async () => {
    await script?.stop()
    await cleanup()
    await killRelays()
  })

  /** One raw request frame from the test process, as an admin: what the relay answers. */
  async function raw(frame: Uint8Array, extraBytes = 0): Promise<AdminReply> {
    const stream = await script.dialProtocol(multiaddr(relay.addrOn()), ADMIN_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 4 * 1024 * 1024 })
    await lp.write(extraBytes > 0 ? new Uint8Array(extraBytes) : frame)
    const reply = decodeReply(await lp.read())
    await stream.close().catch(() => {})
    return reply
  }

  it('users: listed for an admin, refused for anyone else', async () => {
    expect((await answer(bob, '/admin users')).code).toBe('NOT_ADMIN')
    const { code, event } = await answer(alice, '/admin users')
    expect(code).toBe('ok')
    expect((event.users as Array<{ name: string }>).map((u) => u.name).sort()).toEqual(['alice', 'bob'])
  })

  it('say: everyone gets the announcement; refused for a non-admin', async () => {
    expect((await answer(bob, '/admin say I am the admin now')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, '/admin say maintenance tonight')).code).toBe('ok')
    for (const p of [alice, bob]) {
      await p.waitFor('notice', (n) => n.kind === 'announcement' && n.text === 'maintenance tonight')
    }
    expect(alice.all('notice').some((n) => n.text === 'I am the admin now')).toBe(false)
  })

  it('msg: only the addressed user gets it; refused for a non-admin', async () => {
    expect((await answer(bob, '/admin msg alice hello')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, '/admin msg bob please read the rules')).code).toBe('ok')
    await bob.waitFor('notice', (n) => n.kind === 'message' && n.text === 'please read the rules')
    expect((await answer(alice, '/admin msg nobody hi')).code).toBe('UNKNOWN_USER')
  })

  it('ban, bans and unban by PeerId, also of someone offline; refused for a non-admin', async () => {
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    expect((await answer(bob, `/admin ban ${stranger}`)).code).toBe('NOT_ADMIN')
    expect((await answer(bob, '/admin bans')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, `/admin ban ${stranger} spamming links`)).code).toBe('ok')
    const listed = await answer(alice, '/admin bans')
    expect(listed.event.bans).toEqual([expect.objectContaining({ peerId: stranger, reason: 'spamming links' })])
    expect((await answer(alice, `/admin ban ${stranger}`)).code).toBe('ALREADY_BANNED')
    expect((await answer(alice, `/admin ban ${alice.peerId}`)).code).toBe('PROTECTED_PEER')
    expect((await answer(bob, `/admin unban ${stranger}`)).code).toBe('NOT_ADMIN')
    expect((await answer(alice, `/admin unban ${stranger}`)).code).toBe('ok')
    expect((await answer(alice, '/admin bans')).event.bans).toEqual([])
    expect((await answer(alice, `/admin unban ${stranger}`)).code).toBe('NOT_BANNED')
  })

  it('add, admins and remove: only admins make admins', async () => {
    expect((await answer(bob, `/admin add ${bob.peerId}`)).code).toBe('NOT_ADMIN')
    expect((await answer(alice, `/admin add ${bob.peerId}`)).code).toBe('ok')
    expect((await answer(bob, '/admin admins')).event.admins).toEqual(
      expect.arrayContaining([expect.objectContaining({ peerId: bob.peerId, addedBy: alice.peerId })])
    )
    expect((await answer(bob, `/admin remove ${bob.peerId}`)).code).toBe('ok')
    expect((await answer(bob, '/admin admins')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, `/admin remove ${bob.peerId}`)).code).toBe('NOT_AN_ADMIN')
    expect((await answer(alice, '/admin add not-a-peer-id')).code).toBe('USAGE')
  })

  it('get and set: mutable settings change, immutable metadata and bad values are refused', async () => {
    expect((await answer(bob, '/admin get')).code).toBe('NOT_ADMIN')
    expect((await answer(bob, '/admin set motd hacked')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, '/admin set motd Welcome, be kind')).code).toBe('ok')
    const got = await answer(alice, '/admin get motd')
    expect(got.event.settings).toEqual([{ key: 'motd', value: 'Welcome, be kind', mutable: true }])
    const all = await answer(alice, '/admin get')
    expect((all.event.settings as Array<{ key: string; value: unknown }>).find((s) => s.key === 'id')?.value).toBe(
      relay.peerId
    )
    expect((await answer(alice, '/admin set id 12D3KooWxyz')).code).toBe('IMMUTABLE')
    expect((await answer(alice, '/admin set createdAt 0')).code).toBe('IMMUTABLE')
    expect((await answer(alice, '/admin set maxConnections lots')).code).toBe('INVALID_SETTING')
    expect((await answer(alice, '/admin set colour blue')).code).toBe('UNKNOWN_SETTING')
  })

  it('shutdown is refused for a non-admin (the admin case stops the relay: see the state tests)', async () => {
    expect((await answer(bob, '/admin shutdown')).code).toBe('NOT_ADMIN')
    expect(relay.child.exitCode).toBeNull()
  })

  it('a replayed request is refused, and so are stale, forged, garbage and oversized ones; the relay keeps running', async () => {
    const frame = await signRequest(scriptKey, { relay: relay.peerId, command: 'users', args: [] })
    expect((await raw(frame)).ok).toBe(true)
    expect(await raw(frame)).toMatchObject({ ok: false, code: 'REPLAYED' })

    const stale = await signRequest(scriptKey, {
      relay: relay.peerId,
      command: 'users',
      args: [],
      now: Date.now() - 3_600_000
    })
    expect(await raw(stale)).toMatchObject({ ok: false, code: 'STALE_REQUEST' })

    const { commandBytes, signature } = decodeRequest(
      await signRequest(scriptKey, { relay: relay.peerId, command: 'users', args: [] })
    )
    const forged = Uint8Array.from(signature)
    forged[10] ^= 0xff
    expect(await raw(encodeRequest({ commandBytes, signature: forged }))).toMatchObject({
      ok: false,
      code: 'BAD_SIGNATURE'
    })

    const otherRelay = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    expect(await raw(await signRequest(scriptKey, { relay: otherRelay, command: 'users', args: [] }))).toMatchObject({
      ok: false,
      code: 'WRONG_RELAY'
    })

    expect(await raw(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'))).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST'
    })
    expect(await raw(new Uint8Array(0), 100_000)).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LARGE' })

    // still alive and still answering properly
    expect(relay.child.exitCode).toBeNull()
    expect((await raw(await signRequest(scriptKey, { relay: relay.peerId, command: 'bans', args: [] }))).ok).toBe(true)
    const refused = relay.events.filter((e) => e.type === 'admin-request' && e.ok === false).map((e) => e.code)
    expect(refused).toEqual(
      expect.arrayContaining([
        'NOT_ADMIN',
        'REPLAYED',
        'STALE_REQUEST',
        'BAD_SIGNATURE',
        'WRONG_RELAY',
        'BAD_REQUEST',
        'MESSAGE_TOO_LARGE'
      ])
    )
  })

  it("clients apply the relay's ban list: a banned peer's posts are dropped even over a direct connection", async () => {
    // on loopback the clients also connect to each other directly, so this checks the clients, not the relay
    const mallory = await spawnPeer({ name: 'mallory', extraArgs: ['--relay', relay.addrOn()] })
    await mallory.waitFor('relay', (e) => e.state === 'reserved')
    await bob.waitForUsers((users) => users.some((u) => u.peerId === mallory.peerId))
    await mallory.waitForUsers((users) => users.length === 3)
    mallory.send('before the ban')
    await bob.waitFor('message', (m) => m.text === 'before the ban')

    expect((await answer(alice, `/admin ban ${mallory.peerId} spam`)).code).toBe('ok')
    await bob.waitFor('notice', (n) => n.kind === 'banned' && n.peerId === mallory.peerId)
    mallory.send('after the ban')
    alice.send('barrier')
    await bob.waitFor('message', (m) => m.text === 'barrier')
    expect(bob.all('message').some((m) => m.text === 'after the ban')).toBe(false)
    expect((await answer(alice, `/admin unban ${mallory.peerId}`)).code).toBe('ok')
  })

  it('kick disconnects a user and tells them; refused for a non-admin', async () => {
    expect((await answer(bob, '/admin kick alice')).code).toBe('NOT_ADMIN')
    expect((await answer(alice, '/admin kick bob')).code).toBe('ok')
    await bob.waitFor('notice', (n) => n.kind === 'kicked' && n.self === true)
    await bob.waitFor('relay', (e) => e.state === 'lost')
    await relay.waitFor('refused', (e) => e.peerId === bob.peerId)
  })
})

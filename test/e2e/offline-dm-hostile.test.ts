import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeResponse, encodeRequest } from '../../protocols/mailbox/codec.ts'
import { MAILBOX_PROTOCOL, MAX_REQUEST_BYTES } from '../../protocols/mailbox/constants.ts'
import { decodeResponse as decodePrekeyResponse } from '../../protocols/prekeys/codec.ts'
import { PREKEYS_PROTOCOL } from '../../protocols/prekeys/constants.ts'
import {
  cleanup,
  initRelay,
  killRelays,
  marker,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay,
  tempDir
} from './harness.ts'
import { connectTo, frame, rawNode, stopRawNodes, varint } from './raw-node.ts'

async function client(relay: RelayProcess, name: string, dataDir: string): Promise<PeerProcess> {
  const peer = await spawnPeer({ name, dataDir, extraArgs: ['--relay', relay.addrOn()] })
  await peer.waitFor('relay', (e) => e.state === 'reserved')
  return peer
}

describe('a relay mailbox under attack', { timeout: 120_000 }, () => {
  afterEach(async () => {
    await stopRawNodes()
    await cleanup()
    await killRelays()
  })

  it('nobody but the recipient fetches or deletes its mail; garbage gets a code and the relay keeps serving', async () => {
    const admin = await newIdentity()
    const { dataDir } = await initRelay({ admins: [admin.peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
    const relay = await startRelay({ dataDir })
    const dirs = { alice: tempDir(), bob: tempDir() }
    const alice = await client(relay, 'alice', dirs.alice)
    let bob = await client(relay, 'bob', dirs.bob)
    await alice.waitForUsers((users) => users.some((u) => u.peerId === bob.peerId))
    bob.send('/quit')
    await bob.exited
    await alice.waitFor('leave', (e) => e.peerId === bob.peerId)
    const text = marker('not-for-mallory')
    alice.send(`/msg bob ${text}`)
    const queued = await alice.waitFor('queued')
    // the mail id is no secret to an attacker who guesses or sees it: deleting by it must still fail
    const outbox = JSON.parse(readFileSync(join(dirs.alice, 'dm-state', 'outbox.json'), 'utf8')) as Array<{
      id: string
      mailId: string
    }>
    const mailId = Uint8Array.from(Buffer.from(outbox.find((e) => e.id === queued.id)?.mailId ?? '', 'hex'))

    const mallory = await rawNode()
    await connectTo(mallory, [relay.addrOn()])
    // raw bytes out (framed or not), one length-prefixed answer back
    const ask = async (protocol: string, chunks: Uint8Array[]) => {
      const stream = await mallory.dialProtocol(multiaddr(relay.addrOn()), protocol, {
        signal: AbortSignal.timeout(10_000)
      })
      for (const chunk of chunks) {
        if (!stream.send(chunk)) await stream.onDrain()
      }
      return lpStream(stream).read({ signal: AbortSignal.timeout(10_000) })
    }
    const mailbox = async (chunks: Uint8Array[]) => decodeResponse(await ask(MAILBOX_PROTOCOL, chunks))

    expect(await mailbox([frame(encodeRequest({ op: 'fetch', limit: 256 }))])).toEqual({ ok: true, mail: [], count: 0 })
    expect(await mailbox([frame(encodeRequest({ op: 'delete', ids: [mailId] }))])).toEqual({
      ok: true,
      mail: [],
      count: 0
    })
    expect(await mailbox([frame(Uint8Array.from([0xff, 0xff, 0xff]))])).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST'
    })
    expect(await mailbox([varint(MAX_REQUEST_BYTES + 1), new Uint8Array(1024)])).toMatchObject({
      ok: false,
      code: 'TOO_LARGE'
    })
    const prekeys = decodePrekeyResponse(await ask(PREKEYS_PROTOCOL, [frame(Uint8Array.from([0x0a, 0xff]))]))
    expect(prekeys).toMatchObject({ ok: false, code: 'BAD_REQUEST' })

    // bob still gets his DM
    bob = await client(relay, 'bob', dirs.bob)
    await bob.waitFor('message', (m) => m.text === text)
    expect(relay.child.exitCode).toBeNull()
  })
})

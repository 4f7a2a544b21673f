import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { ERROR_BUDGET } from '../../node/error-limit.ts'
import { DM_PROTOCOL } from '../../protocols/dm/index.ts'
import { GROUP_PROTOCOL } from '../../protocols/group/index.ts'
import { cleanup, type PeerProcess, spawnPeer } from './harness.ts'
import { connectTo, exchange, frame, type RawNode, rawNode, stopRawNodes, varint } from './raw-node.ts'
import { sealerFor } from './sealed-dm.ts'

/** The victim, and a friend bootstrapped to it, both seeing each other. */
async function victimAndFriend(): Promise<[PeerProcess, PeerProcess]> {
  const victim = await spawnPeer({ name: 'victim' })
  const friend = await spawnPeer({ name: 'friend', bootstrap: [victim.addrs[0]] })
  await Promise.all([victim, friend].map((p) => p.waitForUsers((users) => users.length === 2)))
  return [victim, friend]
}

/** A DM both ways between the victim and its friend: the victim still serves honest peers. */
async function stillChats(victim: PeerProcess, friend: PeerProcess, tag: string): Promise<void> {
  expect(victim.child.exitCode).toBeNull()
  victim.send(`/msg friend dm after ${tag}`)
  await friend.waitFor('message', (m) => m.scope === 'dm' && m.text === `dm after ${tag}`)
  friend.send(`/msg victim dm back after ${tag}`)
  await victim.waitFor('message', (m) => m.scope === 'dm' && m.text === `dm back after ${tag}`)
}

async function rawStream(node: RawNode, victim: PeerProcess, protocol: string, chunks: Uint8Array[]) {
  const stream = await node.dialProtocol(multiaddr(victim.addrs[0]), protocol, { signal: AbortSignal.timeout(10_000) })
  return exchange(stream, chunks)
}

describe('what a hostile peer makes the victim print', () => {
  afterEach(async () => {
    await stopRawNodes()
    await cleanup()
  })

  it(`a flood of bad DM streams: the first ${ERROR_BUDGET.perSource} errors are shown, not one per stream`, async () => {
    const [victim, friend] = await victimAndFriend()
    const mallory = await rawNode()
    await connectTo(mallory, victim.addrs)
    const streams = 2 * ERROR_BUDGET.perSource
    for (let i = 0; i < streams; i++) {
      await rawStream(mallory, victim, DM_PROTOCOL, [frame(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))])
    }
    // a round trip after the last bad stream: anything the flood caused has been printed by now
    await stillChats(victim, friend, 'error flood')
    const errors = victim.all('error').filter((e) => e.message.includes(mallory.peerId.toString()))
    expect(errors).toHaveLength(ERROR_BUDGET.perSource)
    expect(errors.every((e) => e.code === 'PROTOCOL_ERROR')).toBe(true)
  })

  it('a DM text with U+2028 and U+2029 arrives as one JSON line with the text intact', async () => {
    const [victim] = await victimAndFriend()
    const key = await generateKeyPair('Ed25519')
    const mallory = await rawNode({ privateKey: key })
    await connectTo(mallory, victim.addrs)
    const text = 'first\u2028second\u2029third'
    const { seal } = await sealerFor(mallory, key, victim)
    await rawStream(mallory, victim, DM_PROTOCOL, [seal(text)])
    const got = await victim.waitFor('message', (m) => m.scope === 'dm' && m.text.startsWith('first'))
    expect(got.text).toBe(text)
    // the harness reads stdout with readline: a split event would have left non-JSON lines behind
    expect(victim.stderr.filter((l) => l.startsWith('(stdout, not JSON)'))).toEqual([])
  })

  it('a group request cut short: PROTOCOL_ERROR naming the peer, and the victim keeps working', async () => {
    const [victim, friend] = await victimAndFriend()
    const mallory = await rawNode()
    await connectTo(mallory, victim.addrs)
    const from = victim.events.length
    await rawStream(mallory, victim, GROUP_PROTOCOL, [varint(200), new Uint8Array(20).fill(0x0a)])
    const error = await victim.waitFor('error', (e) => e.message.includes(mallory.peerId.toString()), { from })
    expect(error.code).toBe('PROTOCOL_ERROR')
    await stillChats(victim, friend, 'truncated group frame')
  })
})

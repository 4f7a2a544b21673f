import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { requestOn } from '../../protocols/catchup/client.ts'
import { CATCH_UP_PROTOCOL } from '../../protocols/catchup/constants.ts'
import { CatchUpRefusedError } from '../../protocols/catchup/errors.ts'
import { groupTopic, rawNode, stopInProcess } from './group-helpers.ts'
import {
  cleanup,
  initRelay,
  killRelays,
  newIdentity,
  type PeerProcess,
  type RelayProcess,
  spawnPeer,
  startRelay,
  until
} from './harness.ts'

/**
 * Gossipsub replays what a peer missed for its last few heartbeats (IHAVE/IWANT, about 3 s; its cache holds 5 s). Past
 * that only catch-up brings a missed post: the tests wait that long after the sender left, so that what they check
 * cannot have come by gossip. No event marks the end of that window.
 */
const GOSSIP_REPLAY_MS = 6000

async function pastGossipReplay(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, GOSSIP_REPLAY_MS))
}

async function relayAndClients(): Promise<{
  relay: RelayProcess
  client: (name: string, dir?: string) => Promise<PeerProcess>
}> {
  const admin = await newIdentity()
  const { dataDir } = await initRelay({ admins: [admin.peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
  const relay = await startRelay({ dataDir })
  const client = (name: string, dir?: string): Promise<PeerProcess> =>
    spawnPeer({ name, dataDir: dir, extraArgs: ['--relay', relay.addrOn()] })
  return { relay, client }
}

describe('catch-up from a relay', () => {
  afterEach(async () => {
    await stopInProcess()
    await cleanup()
    await killRelays()
  })

  it('gives a client that was offline the lobby posts it missed, once each, in order', async () => {
    const { client } = await relayAndClients()
    const [alice, bob] = await Promise.all([client('alice'), client('bob')])
    await Promise.all([alice, bob].map((p) => p.waitForUsers((u) => u.length === 2)))
    alice.send('before bob leaves')
    await bob.waitFor('message', (m) => m.text === 'before bob leaves')

    bob.send('/quit')
    expect(await bob.exited).toEqual({ code: 0, signal: null })
    const missed = ['missed one', 'missed two', 'missed three']
    for (const text of missed) {
      alice.send(text)
      await alice.waitFor('sent', (s) => s.text === text)
    }
    // alice goes too: the relay is the only one left that saw them
    alice.send('/quit')
    expect(await alice.exited).toEqual({ code: 0, signal: null })
    await pastGossipReplay()

    const bob2 = await client('bob', bob.dataDir)
    const last = await bob2.waitFor('message', (m) => m.text === 'missed three')
    expect(last).toMatchObject({ scope: 'lobby', catchUp: true, from: { peerId: alice.peerId, name: 'alice' } })
    // a live post after the catch-up: anything shown twice would have been shown by now
    const alice2 = await client('alice', alice.dataDir)
    await alice2.waitForUsers((u) => u.length === 2)
    alice2.send('live again')
    await bob2.waitFor('message', (m) => m.text === 'live again')
    const shown = bob2.all('message').filter((m) => missed.includes(m.text))
    expect(shown.map((m) => m.text)).toEqual(missed)
    expect(shown.every((m) => m.catchUp === true && m.from.peerId === alice.peerId)).toBe(true)
    // it may come by gossip or, as alice2 keeps her own posts, by catch-up from her: once either way
    expect(bob2.all('message').filter((m) => m.text === 'live again')).toHaveLength(1)
    // what was already shown before bob left is not shown again
    expect(bob2.all('message').some((m) => m.text === 'before bob leaves')).toBe(false)
  }, 120_000)

  it('keeps a private group ciphertext: a member gets its missed posts from the relay, a subscriber that is no member gets no text', async () => {
    const { relay, client } = await relayAndClients()
    const [alice, bob] = await Promise.all([client('alice'), client('bob')])
    await Promise.all([alice, bob].map((p) => p.waitForUsers((u) => u.length === 2)))
    alice.send('/group create hideout --private')
    const { group } = await alice.waitFor('group-joined', (e) => e.group.name === 'hideout')
    alice.send('/invite hideout bob')
    const invite = await bob.waitFor('invite', (i) => i.group.id === group.id)
    bob.send(`/accept ${invite.id}`)
    await alice.waitFor('member-added', (e) => e.member.peerId === bob.peerId)
    alice.send('/g hideout before bob leaves')
    await bob.waitFor('message', (m) => m.text === 'before bob leaves')

    bob.send('/quit')
    expect(await bob.exited).toEqual({ code: 0, signal: null })
    alice.send('/g hideout the password is swordfish')
    await alice.waitFor('sent', (s) => s.text === 'the password is swordfish')
    alice.send('/quit')
    expect(await alice.exited).toEqual({ code: 0, signal: null })
    await pastGossipReplay()

    // a stranger that subscribes to the group's topic gets what gossip would give it: sealed frames, no text
    const mallory = await rawNode()
    mallory.services.pubsub.subscribe(groupTopic(group.id))
    const relayId = peerIdFromString(relay.peerId)
    await mallory.dial(multiaddr(relay.addrOn()))
    const ask = async () =>
      requestOn(
        await mallory.dialProtocol(relayId, CATCH_UP_PROTOCOL),
        relayId,
        { topic: groupTopic(group.id), since: 0, limit: 1000 },
        { signal: AbortSignal.timeout(10_000) }
      )
    let frames: Awaited<ReturnType<typeof ask>> | undefined
    await until('the relay serving the subscribed stranger', async () => {
      frames = await ask().catch((err: unknown) => {
        if (err instanceof CatchUpRefusedError) {
          return undefined
        }
        throw err
      })
      return frames != null
    })
    expect(frames?.messages.length).toBeGreaterThan(0)
    const secret = new TextEncoder().encode('swordfish')
    const contains = (data: Uint8Array): boolean => data.some((_, i) => secret.every((b, j) => data[i + j] === b))
    expect(frames?.messages.some((m) => contains(m.data))).toBe(false)

    const bob2 = await client('bob', bob.dataDir)
    const got = await bob2.waitFor('message', (m) => m.text === 'the password is swordfish')
    expect(got).toMatchObject({
      scope: 'group',
      catchUp: true,
      group: { id: group.id },
      from: { peerId: alice.peerId }
    })
  }, 120_000)
})

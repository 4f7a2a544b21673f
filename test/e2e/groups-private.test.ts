import { afterEach, describe, expect, it } from 'vitest'
import { decodeGroupFrame, decodeTopicFrame } from '../../protocols/group/codec.ts'
import { hex, openFrame, randomKey } from '../../protocols/group/crypto.ts'
import { DecryptionError } from '../../protocols/group/errors.ts'
import {
  bringIn,
  bringInProcess,
  chatNode,
  collect,
  connectTo,
  groupTopic,
  rawNode,
  runtimeOf,
  stopInProcess
} from './group-helpers.ts'
import { cleanup, type PeerProcess, spawnPeers, until } from './harness.ts'

/** Creates a private group on `owner` and brings each process in through /invite and /accept. */
async function privateGroup(owner: PeerProcess, name: string, members: PeerProcess[]) {
  owner.send(`/group create ${name} --private`)
  const { group } = await owner.waitFor('group-joined', (e) => e.group.name === name)
  for (const m of members) {
    expect((await bringIn(owner, group, m)).group).toMatchObject({ private: true, name })
  }
  return group
}

/** Invites an in-process node and accepts for it. */
/**
 * Posts numbered messages from `sender` until `seen()` holds for what an eavesdropper collected: its subscription
 * reaches the sender some time after it subscribed. Every post is also awaited at `reader`.
 */
async function postUntilSeen(
  sender: PeerProcess,
  reader: PeerProcess,
  group: string,
  prefix: string,
  seen: () => boolean
) {
  const texts: string[] = []
  for (let i = 0; !seen(); i++) {
    if (i === 20) {
      throw new Error('the eavesdropper never received a frame')
    }
    const text = `${prefix} ${i}`
    texts.push(text)
    sender.send(`/g ${group} ${text}`)
    await reader.waitFor('message', (m) => m.text === text)
  }
  return texts
}

describe('private groups', () => {
  afterEach(async () => {
    await stopInProcess()
    await cleanup()
  })

  it('let an invitee join and read, while a non-member on the topic gets only ciphertext it cannot open', async () => {
    const [alice, bob, carol] = await spawnPeers(['alice', 'bob', 'carol'])
    await alice.waitForUsers((u) => u.length === 3)
    const group = await privateGroup(alice, 'secret', [bob])
    bob.send('/invites')
    expect((await bob.waitFor('invites')).invites).toEqual([])

    // a bare libp2p node, no member, subscribes to the group's topic by hand
    const sniffer = await rawNode()
    const topic = groupTopic(group.id)
    const frames = collect(sniffer.services.pubsub, topic)
    await connectTo(sniffer, [alice])
    sniffer.services.pubsub.subscribe(topic)
    const texts = await postUntilSeen(alice, bob, 'secret', 'the password is swordfish', () => frames.length > 0)
    bob.send('/g secret bob too')
    await alice.waitFor('message', (m) => m.text === 'bob too')

    for (const data of frames) {
      const frame = decodeTopicFrame(data)
      expect(frame.sealed).toBe(true)
      expect(Buffer.from(data).includes(Buffer.from('swordfish'))).toBe(false)
      if (frame.sealed) {
        expect(() => openFrame(randomKey(), group.id, frame.keyId, frame.nonce, frame.ciphertext)).toThrow(
          DecryptionError
        )
      }
    }
    // carol, connected but not invited, sees none of it
    alice.send('lobby marker')
    await carol.waitFor('message', (m) => m.text === 'lobby marker')
    expect(carol.all('message').filter((m) => m.scope === 'group')).toEqual([])
    expect(JSON.stringify(carol.events)).not.toContain('swordfish')
    expect(texts.length).toBeGreaterThan(0)
  })

  it('rotate the key on removal, so the removed member cannot read what follows', async () => {
    const [alice, bob] = await spawnPeers(['alice', 'bob'])
    const { node: mallory } = await chatNode('mallory', alice)
    await alice.waitForUsers((u) => u.length === 3)
    const group = await privateGroup(alice, 'secret', [bob])
    await bringInProcess(alice, group, mallory)

    await mallory.groups.send('secret', 'mallory was here')
    await bob.waitFor('message', (m) => m.text === 'mallory was here')
    const oldKeys = runtimeOf(mallory, group.id).keyring.entries()
    expect(oldKeys.length).toBeGreaterThan(0)

    const left = new Promise<string>((resolve) =>
      mallory.addEventListener('group-left', (evt) => resolve(evt.detail.reason), { once: true })
    )
    alice.send('/remove secret mallory')
    expect(await left).toBe('removed')
    for (const p of [alice, bob]) {
      await p.waitFor('member-removed', (e) => e.member.peerId === mallory.peerId.toString() && e.reason === 'removed')
      await p.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2)
    }

    // mallory's node left the topic; she subscribes again by hand and keeps every frame
    const topic = groupTopic(group.id)
    const frames = collect(mallory.libp2p.services.pubsub, topic)
    mallory.libp2p.services.pubsub.subscribe(topic)
    const old = new Map(oldKeys)
    const sealedWithNewKey = (data: Uint8Array): boolean => {
      const frame = decodeTopicFrame(data)
      return frame.sealed && !old.has(hex(frame.keyId))
    }
    await postUntilSeen(alice, bob, 'secret', 'after mallory left', () => frames.some(sealedWithNewKey))

    for (const data of frames) {
      const frame = decodeTopicFrame(data)
      expect(frame.sealed).toBe(true)
      if (!frame.sealed) {
        continue
      }
      const oldKey = old.get(hex(frame.keyId))
      if (oldKey != null) {
        // only the notice of her own removal is sealed with a key she had, on purpose: she must learn of it
        const content = decodeGroupFrame(openFrame(oldKey, group.id, frame.keyId, frame.nonce, frame.ciphertext))
        expect(content.type === 'entry' && content.entry.entry.kind).toBe('remove')
        continue
      }
      for (const key of old.values()) {
        expect(() => openFrame(key, group.id, frame.keyId, frame.nonce, frame.ciphertext)).toThrow(DecryptionError)
      }
      expect(Buffer.from(data).includes(Buffer.from('after mallory left'))).toBe(false)
    }
    // and bob, who stayed, reads on
    bob.send('/g secret still here')
    await alice.waitFor('message', (m) => m.text === 'still here')
    await until('mallory to forget the group', () => mallory.libp2p.services.groups.group(group.id) == null)
  })

  it('rotate the key when a member leaves, and pass ownership on when the owner leaves', async () => {
    const [alice, bob, carol] = await spawnPeers(['alice', 'bob', 'carol'])
    await alice.waitForUsers((u) => u.length === 3)
    const group = await privateGroup(alice, 'secret', [bob, carol])
    bob.send('/leave secret')
    expect(await bob.waitFor('group-left')).toMatchObject({ reason: 'left' })
    for (const p of [alice, carol]) {
      await p.waitFor('member-removed', (e) => e.member.peerId === bob.peerId && e.reason === 'left')
      // the owner's peer rotates the key by itself, since bob held it
      const rekeyed = await p.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2)
      expect(rekeyed.by?.peerId).toBe(p === alice ? undefined : alice.peerId)
    }
    alice.send('/leave secret')
    const promoted = await carol.waitFor('member-role', (e) => e.member.peerId === carol.peerId)
    expect(promoted.role).toBe('owner')
    // carol, the new owner, rotates the key in turn
    await carol.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 3)
    carol.send('/members secret')
    expect((await carol.waitFor('members')).members.map((m) => [m.name, m.role])).toEqual([['carol', 'owner']])
  })

  it('withdraw an invitation that is declined, with a new key', async () => {
    const [alice, bob] = await spawnPeers(['alice', 'bob'])
    await alice.waitForUsers((u) => u.length === 2)
    alice.send('/group create secret --private')
    const { group } = await alice.waitFor('group-joined')
    alice.send('/invite secret bob')
    const invite = await bob.waitFor('invite')
    bob.send(`/decline ${invite.id}`)
    expect(await bob.waitFor('invite-declined')).toMatchObject({ id: invite.id, notified: true })
    const gone = await alice.waitFor('member-removed', (e) => e.member.peerId === bob.peerId)
    expect(gone.reason).toBe('uninvited')
    await alice.waitFor('group-rekeyed', (e) => e.group.id === group.id && e.epoch === 2)
    bob.send('/invites')
    expect((await bob.waitFor('invites')).invites).toEqual([])
    bob.send(`/accept ${invite.id}`)
    await bob.waitFor('error', (e) => e.code === 'UNKNOWN_OFFER')
  })
})

import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { multiaddr } from '@multiformats/multiaddr'
import { ChatNode } from '../../node/chat-node.ts'
import { loadOrCreateIdentity } from '../../node/identity.ts'
import { MAX_FRAME_BYTES } from '../../protocols/common/limits.ts'
import { encodeEntryFrame } from '../../protocols/group/codec.ts'
import { peerIdOfKey, signEntry, type VerifiedEntry } from '../../protocols/group/entries.ts'
import { type GroupRuntime, groupTopic } from '../../protocols/group/index.ts'
import type { GroupLog } from '../../protocols/group/log.ts'
import { authorEntry, type Op } from '../../protocols/group/ops.ts'
import { type EventOf, type PeerProcess, tempDir, until } from './harness.ts'

/** A group as the tests name it: its id and its name. */
type GroupRef = { id: string; name: string }

import { rawNode as bareNode, type RawNode, stopRawNodes } from './raw-node.ts'

export type { RawNode }

const chatNodes = new Set<ChatNode>()

/** A bare libp2p + gossipsub node on loopback, outside p2pchat: it runs none of our services. */
export function rawNode(privateKey?: PrivateKey): Promise<RawNode> {
  return bareNode({ privateKey, listen: true, maxInboundDataLength: MAX_FRAME_BYTES })
}

/** An in-process p2pchat peer (for a member whose keys the test must see), bootstrapped to `to`. */
export async function chatNode(name: string, to: PeerProcess): Promise<{ node: ChatNode; key: PrivateKey }> {
  const dataDir = tempDir()
  const node = await ChatNode.create({
    name,
    dataDir,
    mdns: false,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [to.addrs[0]]
  })
  await node.start()
  chatNodes.add(node)
  return { node, key: await loadOrCreateIdentity(dataDir) }
}

/** Invites `p` into `group` from `owner` and accepts for it; resolves with the invitation once both sides count it a member. */
export async function bringIn(owner: PeerProcess, group: GroupRef, p: PeerProcess): Promise<EventOf<'invite'>> {
  const invited = p.events.length
  const added = owner.events.length
  owner.send(`/invite ${group.name} ${p.name}`)
  const invite = await p.waitFor('invite', (i) => i.group.id === group.id, { from: invited })
  const from = p.events.length
  p.send(`/accept ${invite.id}`)
  await p.waitFor('group-joined', (e) => e.group.id === group.id, { from })
  await owner.waitFor('member-added', (e) => e.member.peerId === p.peerId && e.group.id === group.id, { from: added })
  return invite
}

/** Like bringIn, for an in-process node: accepts its invitation through its API. */
export async function bringInProcess(owner: PeerProcess, group: GroupRef, node: ChatNode): Promise<void> {
  const invited = new Promise<string>((resolve) =>
    node.addEventListener('invite', (evt) => resolve(evt.detail.id), { once: true })
  )
  const added = owner.events.length
  owner.send(`/invite ${group.name} ${node.name}`)
  await node.groups.accept(await invited)
  await owner.waitFor('member-added', (e) => e.member.peerId === node.peerId.toString() && e.group.id === group.id, {
    from: added
  })
}

/** Stops the in-process nodes; call from afterEach next to the harness's cleanup(). */
export async function stopInProcess(): Promise<void> {
  await stopRawNodes()
  await Promise.allSettled([...chatNodes].map((n) => n.stop()))
  chatNodes.clear()
}

/** Connects `node` to each process directly. */
export async function connectTo(node: { dial: RawNode['dial'] }, peers: PeerProcess[]): Promise<void> {
  await Promise.all(peers.map((p) => node.dial(multiaddr(p.addrs[0]))))
}

/** Waits until gossipsub on `pubsub` knows that each of `peers` subscribes to `topic`. */
export async function seesSubscribed(pubsub: GossipSub, topic: string, peers: PeerProcess[]): Promise<void> {
  await until(`subscriptions to ${topic}`, () => {
    const subs = new Set(pubsub.getSubscribers(topic).map(String))
    return peers.every((p) => subs.has(p.peerId))
  })
}

/** Collects the raw data of every message a gossipsub node receives on `topic`. */
export function collect(pubsub: GossipSub, topic: string): Uint8Array[] {
  const frames: Uint8Array[] = []
  pubsub.addEventListener('message', (evt: CustomEvent<Message>) => {
    if (evt.detail.topic === topic) {
      frames.push(evt.detail.data)
    }
  })
  return frames
}

/** The runtime of a group on an in-process peer. */
export function runtimeOf(node: ChatNode, groupId: string): GroupRuntime {
  const runtime = node.libp2p.services.groups.group(groupId)
  if (runtime == null) {
    throw new Error(`${node.name} is not in ${groupId}`)
  }
  return runtime
}

/** Signs `op` as `key`, as if the signer had role `role` (so that the entry is well-formed but not authorized). */
export async function forgeEntry(
  key: PrivateKey,
  log: GroupLog,
  op: Op,
  groupKey: Uint8Array | undefined,
  as: 'owner' | 'admin' = 'admin'
): Promise<VerifiedEntry> {
  const me = peerIdOfKey(key.publicKey.raw)
  const { state, tips } = log.position()
  const members = new Map(state.members)
  members.set(me, { peerId: me, key: key.publicKey.raw, name: 'x', role: as, since: 0 })
  return authorEntry(key, { state: { ...state, members }, tips }, op, groupKey)
}

/** Signs an entry of `kind` on `subject` at the heads of `log` as `key`, with no role check (no key rotation). */
export async function signRaw(
  key: PrivateKey,
  log: GroupLog,
  kind: 'promote' | 'demote' | 'leave' | 'meta',
  subject: Uint8Array
): Promise<VerifiedEntry> {
  const tips = log.tips()
  return signEntry(key, {
    kind,
    groupId: log.state.groupId,
    seq: 1 + Math.max(...tips.map((t) => t.seq)),
    prev: tips[0].id,
    merges: tips.slice(1).map((t) => t.id),
    author: key.publicKey.raw,
    ts: Date.now(),
    subject: kind === 'meta' ? new Uint8Array(0) : subject,
    name: kind === 'meta' ? 'taken over' : '',
    description: '',
    memberName: '',
    private: false,
    nonce: new Uint8Array(0)
  })
}

/** The topic frame of an entry, sealed with the current key of `runtime` when the group is private. */
export function entryFrame(runtime: GroupRuntime, entryBytes: Uint8Array): Uint8Array {
  return runtime.wrap(encodeEntryFrame(entryBytes))
}

/** A ConnectionManager-shaped adapter, so a raw node can speak our stream protocols with the codec helpers. */
export function streamsOf(node: RawNode): ConnectionManager {
  return {
    openStream: (peer: PeerId, protocol: string, options?: { signal?: AbortSignal }) =>
      node.dialProtocol(peer, protocol, options)
  } as unknown as ConnectionManager
}

export { groupTopic }

import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { unwrapIdentity } from '../../../protocols/group/crypto.ts'
import type { GroupEngine } from '../../../protocols/group/engine.ts'
import { peerIdOfKey, type VerifiedEntry } from '../../../protocols/group/entries.ts'
import { Keyring } from '../../../protocols/group/keyring.ts'
import { GroupLog } from '../../../protocols/group/log.ts'
import { authorEntry, createGroupEntry, type Op } from '../../../protocols/group/ops.ts'
import { Reporter } from '../../../protocols/group/report.ts'
import { type Answer, serveGroupStream } from '../../../protocols/group/streams.ts'
import { Sync, type SyncComponents } from '../../../protocols/group/sync.ts'
import { streamPairs } from '../protocols/stream-pairs.ts'

/** A test identity: its key, PeerId and a keyring that follows the logs it is shown. */
export interface Who {
  name: string
  key: PrivateKey
  raw: Uint8Array
  id: string
  keyring: Keyring
}

export async function who(name: string): Promise<Who> {
  const key = await generateKeyPair('Ed25519')
  return {
    name,
    key,
    raw: key.publicKey.raw,
    id: peerIdOfKey(key.publicKey.raw),
    keyring: new Keyring(unwrapIdentity(key))
  }
}

export async function people(...names: string[]): Promise<Who[]> {
  return Promise.all(names.map(who))
}

/** A log for a new group created by `owner`. */
export async function newGroup(owner: Who, isPrivate = true, name = 'team'): Promise<GroupLog> {
  const genesis = await createGroupEntry(owner.key, {
    name,
    description: '',
    private: isPrivate,
    memberName: owner.name
  })
  owner.keyring.learn([genesis])
  return GroupLog.create(genesis)
}

/** Signs `op` by `by` at the heads of `log` (using `by`'s keyring for the current key) without applying it. */
export async function sign(log: GroupLog, by: Who, op: Op): Promise<VerifiedEntry> {
  return authorEntry(by.key, log.position(), op, by.keyring.get(log.state.keyId))
}

/** Signs and applies `op`; every Who in `all` learns the keys sealed for it. */
export async function act(log: GroupLog, by: Who, op: Op, all: Who[] = [by]): Promise<VerifiedEntry> {
  const e = await sign(log, by, op)
  const result = log.offer([e])
  if (result.type !== 'appended') {
    throw new Error(`${op.kind} by ${by.name} was not appended: ${JSON.stringify(result)}`)
  }
  for (const w of all) {
    w.keyring.learn([e])
  }
  return e
}

/** Invites then joins each of `members` (invited by `by`). */
export async function addMembers(log: GroupLog, by: Who, members: Who[], all: Who[]): Promise<void> {
  for (const m of members) {
    await act(log, by, { kind: 'invite', subject: m.raw, memberName: m.name }, all)
    await act(log, m, { kind: 'join', memberName: m.name }, all)
  }
}

/**
 * `bob`'s Sync over `engine`, whose streams (opened through `openStream`) reach `serve` as if bob had opened them to
 * a member; `openStream` may refuse first, as a dial to an unreachable member does.
 */
export function syncServedBy(
  bob: Who,
  engine: GroupEngine,
  serve: (req: { groupId: string; knownId: Uint8Array }) => Answer,
  refuse: () => boolean = () => false
): Sync {
  const log = defaultLogger().forComponent('test')
  const pair = streamPairs()
  const bobPeer = peerIdFromString(bob.id)
  const cm = {
    openStream: async () => {
      if (refuse()) {
        throw new AggregateError([], 'All multiaddr dials failed')
      }
      const [outbound, inbound] = await pair()
      const hooks = {
        logFor: (_peer: unknown, req: { groupId: string; knownId: Uint8Array }) => serve(req),
        invitation: async () => ({ status: 'refused' as const }),
        decline: async () => ({ status: 'refused' as const })
      }
      void serveGroupStream(inbound, bobPeer, hooks, AbortSignal.timeout(5000)).catch(() => {})
      return outbound
    }
  } as unknown as ConnectionManager
  const components: SyncComponents = {
    me: bob.id,
    isRunning: true,
    engine,
    invitations: { add: () => undefined, admitDelivery: () => {} },
    group: (id) => engine.get(id),
    act: async () => undefined,
    signal: () => AbortSignal.timeout(10_000),
    emit: () => {}
  }
  return new Sync(components, cm, new Reporter(() => {}, log), log)
}

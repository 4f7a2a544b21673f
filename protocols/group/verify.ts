import type { PublicKey } from '@libp2p/interface'
import { InvalidMessageError } from '../common/errors.ts'
import {
  decodeAnnouncement,
  decodeGroupFrame,
  decodeTopicFrame,
  type GroupPost,
  type SignedEntryBytes
} from './codec.ts'
import { GROUP_TOPIC_PREFIX } from './constants.ts'
import { isGroupId, verifyPostBody } from './crypto.ts'
import { type VerifiedEntry, verifyDecodedEntry } from './entries.ts'
import { EntryRejectedError } from './errors.ts'
import { genesisState } from './state.ts'

/*
 * The checks of gossip that need no group state: members run them before applying anything, and the relay, which
 * holds no groups, runs them before forwarding. Each throws the reason a message is invalid.
 */

export interface VerifiedAnnouncement {
  genesis: VerifiedEntry
  meta: VerifiedEntry
  members: number
}

/** A directory announcement: a valid public genesis and metadata signed by the same owner. */
export async function verifyAnnouncement(data: Uint8Array): Promise<VerifiedAnnouncement> {
  const a = decodeAnnouncement(data)
  const genesis = await verifyDecodedEntry(a.genesis)
  const meta = await verifyDecodedEntry(a.meta)
  genesisState(genesis)
  if (genesis.private) {
    throw new EntryRejectedError('private groups are not announced')
  }
  if (meta.groupId !== genesis.groupId || meta.authorId !== genesis.authorId) {
    throw new EntryRejectedError('group metadata not signed by its owner')
  }
  if (meta.kind === 'create' && meta.idHex !== genesis.idHex) {
    throw new EntryRejectedError('two different origins for one group')
  }
  return { genesis, meta, members: a.members }
}

/** Group members sign with Ed25519 keys. */
export function checkSenderKey(key: PublicKey): void {
  if (key.type !== 'Ed25519') {
    throw new InvalidMessageError('group members have Ed25519 identities')
  }
}

/** A post's signature by its sender and its group. */
export async function verifyPost(
  groupId: string,
  senderKey: Uint8Array,
  body: Uint8Array,
  signature: Uint8Array,
  post: GroupPost
): Promise<void> {
  if (!(await verifyPostBody(senderKey, body, signature))) {
    throw new InvalidMessageError('post signature does not verify')
  }
  if (post.groupId !== groupId) {
    throw new InvalidMessageError('post for another group')
  }
}

/** An entry's signature and its group. */
export async function verifyEntryOf(groupId: string, signed: SignedEntryBytes): Promise<VerifiedEntry> {
  const entry = await verifyDecodedEntry(signed)
  if (entry.groupId !== groupId) {
    throw new EntryRejectedError('entry of another group')
  }
  return entry
}

/** The group id of a group topic, or undefined for any other topic. */
export function groupIdOfTopic(topic: string): string | undefined {
  if (!topic.startsWith(GROUP_TOPIC_PREFIX)) {
    return undefined
  }
  const id = topic.slice(GROUP_TOPIC_PREFIX.length)
  return isGroupId(id) ? id : undefined
}

/**
 * A frame on a group's topic, as far as it can be checked without the group's log or key: the outer frame's shape
 * always; for a plain (public group) frame also the signature and group of the post or entry, and that an entry
 * comes from its author. A sealed frame stays ciphertext: only members can open it.
 */
export async function verifyTopicFrameStateless(
  groupId: string,
  sender: string,
  senderKey: PublicKey,
  data: Uint8Array
): Promise<void> {
  checkSenderKey(senderKey)
  const frame = decodeTopicFrame(data)
  if (frame.sealed) {
    return
  }
  const content = decodeGroupFrame(frame.plain)
  if (content.type === 'post') {
    await verifyPost(groupId, senderKey.raw, content.body, content.signature, content.post)
    return
  }
  const entry = await verifyEntryOf(groupId, content.entry)
  if (entry.authorId !== sender) {
    throw new EntryRejectedError('entry not sent by its author')
  }
}

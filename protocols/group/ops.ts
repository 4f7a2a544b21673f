import type { PrivateKey } from '@libp2p/interface'
import { GROUP_NONCE_BYTES } from './codec.ts'
import { MAX_PARENTS } from './constants.ts'
import { deriveGroupId, equalBytes, randomKey, randomNonce, wrapKey } from './crypto.ts'
import { peerIdOfKey, signEntry, type VerifiedEntry } from './entries.ts'
import { validateDescription, validateGroupName } from './names.ts'
import { authorize, type GroupState, keyHolders } from './state.ts'

/** A membership operation, before it becomes a signed entry. Subjects are raw Ed25519 public keys. */
export type Op =
  | { kind: 'invite'; subject: Uint8Array; memberName: string }
  | { kind: 'join'; memberName: string }
  | { kind: 'leave' }
  | { kind: 'remove'; subject: Uint8Array }
  | { kind: 'promote'; subject: Uint8Array }
  | { kind: 'demote'; subject: Uint8Array }
  | { kind: 'meta'; name: string; description: string }
  | { kind: 'rekey' }

export interface CreateOptions {
  name: string
  description: string
  private: boolean
  /** the creator's display name */
  memberName: string
}

const EMPTY = new Uint8Array(0)

/** Signs the CREATE entry of a new group: a fresh id from our key and a random nonce, and for private groups a key. */
export async function createGroupEntry(key: PrivateKey, opts: CreateOptions, now = Date.now()): Promise<VerifiedEntry> {
  validateGroupName(opts.name)
  validateDescription(opts.description)
  const author = key.publicKey.raw
  const nonce = randomNonce(GROUP_NONCE_BYTES)
  const groupId = deriveGroupId(author, nonce)
  return signEntry(key, {
    kind: 'create',
    groupId,
    seq: 0,
    prev: EMPTY,
    merges: [],
    author,
    ts: now,
    subject: EMPTY,
    name: opts.name,
    description: opts.description,
    memberName: opts.memberName,
    private: opts.private,
    nonce,
    ...(opts.private
      ? { keys: { keyId: EMPTY, ...wrapKey(randomKey(), [author], { groupId, seq: 0, keyId: EMPTY }) } }
      : {})
  })
}

/** Where a new entry goes: the log's heads (by ascending id) and the state they resolve to. */
export interface Position {
  state: GroupState
  tips: readonly VerifiedEntry[]
}

/**
 * Signs `op` as a child of the heads of `at` (as many as an entry may name), after checking that we may do it in
 * `at.state` (throws StateRejection otherwise). `currentKey` is the group key in effect, to invite into a private group.
 */
export async function authorEntry(
  key: PrivateKey,
  at: Position,
  op: Op,
  currentKey?: Uint8Array,
  now = Date.now()
): Promise<VerifiedEntry> {
  const { state } = at
  const author = key.publicKey.raw
  const subject = op.kind === 'join' || op.kind === 'leave' ? author : 'subject' in op ? op.subject : EMPTY
  authorize(state, op.kind, peerIdOfKey(author), subject.byteLength > 0 ? peerIdOfKey(subject) : '')
  const parents = at.tips.slice(0, MAX_PARENTS)
  const seq = 1 + Math.max(...parents.map((p) => p.seq))
  let keys: VerifiedEntry['keys']
  if (state.private && op.kind === 'invite') {
    if (currentKey == null) {
      throw new TypeError('inviting into a private group needs its current key')
    }
    keys = {
      keyId: state.keyId,
      ...wrapKey(currentKey, [subject], { groupId: state.groupId, seq, keyId: state.keyId })
    }
  } else if (state.private && (op.kind === 'remove' || op.kind === 'rekey')) {
    const recipients = keyHolders(state).filter((k) => !equalBytes(k, subject))
    keys = { keyId: EMPTY, ...wrapKey(randomKey(), recipients, { groupId: state.groupId, seq, keyId: EMPTY }) }
  }
  return signEntry(key, {
    kind: op.kind,
    groupId: state.groupId,
    seq,
    prev: parents[0].id,
    merges: parents.slice(1).map((p) => p.id),
    author,
    ts: now,
    subject,
    name: op.kind === 'meta' ? validateGroupName(op.name) : '',
    description: op.kind === 'meta' ? validateDescription(op.description) : '',
    memberName: op.kind === 'invite' || op.kind === 'join' ? op.memberName : '',
    private: false,
    nonce: EMPTY,
    ...(keys == null ? {} : { keys })
  })
}

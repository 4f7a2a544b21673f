import type { PeerId, PublicKey } from '@libp2p/interface'
import { BoundedMap } from '../common/bounded-map.ts'
import { BoundedSet } from '../common/bounded-set.ts'
import { decodeGroupFrame, decodeTopicFrame, encodeTopicFrame, type GroupPost } from './codec.ts'
import {
  GROUP_TOPIC_PREFIX,
  MAX_PENDING_ENTRIES,
  MAX_PENDING_POSTS,
  PENDING_POST_TTL_MS,
  SEEN_POSTS_SIZE
} from './constants.ts'
import { openFrame, sealFrame, type UnwrapIdentity } from './crypto.ts'
import type { VerifiedEntry } from './entries.ts'
import { DecryptionError } from './errors.ts'
import { Keyring } from './keyring.ts'
import type { GroupLog } from './log.ts'
import { parentsOf } from './resolve.ts'
import type { GroupState } from './state.ts'

/** The gossipsub topic of a group. */
export function groupTopic(groupId: string): string {
  return `${GROUP_TOPIC_PREFIX}${groupId}`
}

/** What opening a topic frame gave. */
export type Opened =
  | { type: 'plaintext'; bytes: Uint8Array }
  /** sealed with a key we do not hold (yet): a rotation we missed, or a group we were removed from */
  | { type: 'unknown-key'; keyId: Uint8Array }

interface PendingPost {
  from: string
  post: GroupPost
  at: number
}

/** A frame sealed with a key we do not hold yet, kept until a sync brings the rotation. */
export interface HeldFrame {
  sender: PeerId
  senderKey: PublicKey
  data: Uint8Array
  keyId: Uint8Array
  at: number
}

/** One group we are a member of: its log, our keys, and what waits for missing entries. */
export class GroupRuntime {
  readonly keyring: Keyring
  readonly topic: string
  /** entries whose predecessors are still being fetched */
  readonly pendingEntries = new BoundedMap<string, VerifiedEntry>(MAX_PENDING_ENTRIES)
  private pendingPosts: PendingPost[] = []
  private heldFrames: HeldFrame[] = []
  private readonly seenPosts = new BoundedSet<string>(SEEN_POSTS_SIZE)
  private queue: Promise<unknown> = Promise.resolve()
  rekeyTimer?: ReturnType<typeof setTimeout>

  constructor(
    readonly log: GroupLog,
    me: UnwrapIdentity
  ) {
    this.keyring = new Keyring(me)
    this.keyring.learn(log.all())
    this.topic = groupTopic(log.state.groupId)
  }

  get id(): string {
    return this.log.state.groupId
  }

  get state(): GroupState {
    return this.log.state
  }

  /** Runs `fn` after every earlier call has finished: entries are applied and authored one at a time. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  /** The topic frame for a group frame: sealed with the key of `state` in private groups, plain in public ones. */
  wrap(frame: Uint8Array, state: GroupState = this.state): Uint8Array {
    if (!state.private) {
      return encodeTopicFrame({ sealed: false, plain: frame })
    }
    const key = this.keyring.get(state.keyId)
    if (key == null) {
      throw new DecryptionError('we do not hold the current group key yet')
    }
    const { nonce, sealed } = sealFrame(key, state.groupId, state.keyId, frame)
    return encodeTopicFrame({ sealed: true, keyId: state.keyId, nonce, ciphertext: sealed })
  }

  /** Opens a topic frame; throws the decode errors, or DecryptionError when it is forged or of the wrong kind. */
  unwrap(data: Uint8Array): Opened {
    const frame = decodeTopicFrame(data)
    if (!this.state.private) {
      if (frame.sealed) {
        throw new DecryptionError('sealed frame in a public group')
      }
      return { type: 'plaintext', bytes: frame.plain }
    }
    if (!frame.sealed) {
      throw new DecryptionError('plain frame in a private group')
    }
    const key = this.keyring.get(frame.keyId)
    if (key == null) {
      return { type: 'unknown-key', keyId: frame.keyId }
    }
    return { type: 'plaintext', bytes: openFrame(key, this.id, frame.keyId, frame.nonce, frame.ciphertext) }
  }

  /** The post in a topic frame, if it is one and we can open it (what catch-up orders by); else undefined. */
  peekPost(data: Uint8Array): GroupPost | undefined {
    try {
      const opened = this.unwrap(data)
      if (opened.type !== 'plaintext') {
        return undefined
      }
      const content = decodeGroupFrame(opened.bytes)
      return content.type === 'post' ? content.post : undefined
    } catch {
      return undefined
    }
  }

  /** True the first time a (sender, post id) pair is seen. */
  firstSighting(from: string, id: string): boolean {
    return this.seenPosts.addNew(`${from}/${id}`)
  }

  /** Keeps a post from a sender not (yet) a member, in case its join is on the way. */
  holdPost(from: string, post: GroupPost, now: number): void {
    this.pendingPosts = this.pendingPosts.filter((p) => now - p.at < PENDING_POST_TTL_MS)
    if (this.pendingPosts.length < MAX_PENDING_POSTS) {
      this.pendingPosts.push({ from, post, at: now })
    }
  }

  /** Held posts whose senders are members now (removed from the hold). */
  releasePosts(now: number): Array<{ from: string; post: GroupPost }> {
    const ready = this.pendingPosts.filter((p) => now - p.at < PENDING_POST_TTL_MS && this.state.members.has(p.from))
    this.pendingPosts = this.pendingPosts.filter(
      (p) => now - p.at < PENDING_POST_TTL_MS && !this.state.members.has(p.from)
    )
    return ready
  }

  /** Keeps a frame sealed with a key we lack, in case the rotation that brings it is on its way. */
  holdFrame(frame: HeldFrame): void {
    this.heldFrames = this.heldFrames.filter((f) => frame.at - f.at < PENDING_POST_TTL_MS)
    if (this.heldFrames.length < MAX_PENDING_POSTS) {
      this.heldFrames.push(frame)
    }
  }

  /** Held frames we now hold the key of (removed from the hold). */
  releaseFrames(now: number): HeldFrame[] {
    const fresh = this.heldFrames.filter((f) => now - f.at < PENDING_POST_TTL_MS)
    this.heldFrames = fresh.filter((f) => !this.keyring.has(f.keyId))
    return fresh.filter((f) => this.keyring.has(f.keyId))
  }

  /** Keeps an entry whose predecessor we lack. */
  holdEntry(e: VerifiedEntry): void {
    this.pendingEntries.set(e.idHex, e)
  }

  /** The held entries whose parents are all in the log now, removed from the hold; known ones are dropped. */
  takeReadyEntries(): VerifiedEntry[] {
    const ready: VerifiedEntry[] = []
    for (const [id, e] of this.pendingEntries) {
      if (this.log.has(id)) {
        this.pendingEntries.delete(id)
      } else if (parentsOf(e).every((p) => this.log.has(p) || this.pendingEntries.has(p))) {
        this.pendingEntries.delete(id)
        ready.push(e)
      }
    }
    return ready
  }
}

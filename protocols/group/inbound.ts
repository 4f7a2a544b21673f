import type { Message } from '@libp2p/gossipsub'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId, PublicKey } from '@libp2p/interface'
import { decodeGroupFrame, encodeAnnouncement, type GroupPost, type SignedEntryBytes } from './codec.ts'
import type { GroupDirectory } from './directory.ts'
import type { GroupEngine } from './engine.ts'
import { EntryRejectedError } from './errors.ts'
import type { EmitGroupEvent } from './events.ts'
import type { Reporter } from './report.ts'
import type { GroupRuntime } from './runtime.ts'
import { mayPromptSync, type Sync } from './sync.ts'
import { checkSenderKey, verifyAnnouncement, verifyEntryOf, verifyPost } from './verify.ts'

/** What Inbound needs of the group service: our groups, the engine that applies entries, the directory. */
export interface InboundComponents {
  /** our PeerId as a string */
  readonly me: string
  readonly engine: Pick<GroupEngine, 'apply'>
  readonly directory: Pick<GroupDirectory, 'apply'>
  group(groupId: string): GroupRuntime | undefined
  groups(): GroupRuntime[]
  emit: EmitGroupEvent
}

/**
 * What reaches us by gossip: frames on group topics and directory announcements. Checks each against signatures
 * and the log before anything changes or is forwarded.
 */
export class Inbound {
  constructor(
    private readonly service: InboundComponents,
    private readonly sync: Pick<Sync, 'requestSync'>,
    private readonly reporter: Reporter
  ) {}

  private get me(): string {
    return this.service.me
  }

  /**
   * Gossipsub validator of a group topic: accept (and forward) only what applies; reject what is forged. Frames that
   * came by catch-up (`catchUp`, already checked to be signed by their sender) take the same path.
   */
  async validateFrame(runtime: GroupRuntime, msg: Message, catchUp = false): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    if (this.service.group(runtime.id) !== runtime) {
      return TopicValidatorResult.Ignore
    }
    return this.handleFrame(runtime, msg.from, msg.key, msg.data, catchUp)
  }

  private async handleFrame(
    runtime: GroupRuntime,
    sender: PeerId,
    senderKey: PublicKey,
    data: Uint8Array,
    catchUp = false
  ): Promise<TopicValidatorResult> {
    try {
      checkSenderKey(senderKey)
      const opened = runtime.unwrap(data)
      if (opened.type === 'unknown-key') {
        // a rotation we have not seen, if the sender is one of us: keep the frame and ask the sender for the log.
        // Anyone else could use such frames to make us fetch from them at will.
        if (mayPromptSync(runtime.state, sender.toString())) {
          runtime.holdFrame({ sender, senderKey, data, keyId: opened.keyId, at: Date.now() })
          this.sync.requestSync(runtime, sender, 'unknown-key')
        }
        return TopicValidatorResult.Ignore
      }
      const content = decodeGroupFrame(opened.bytes)
      if (content.type === 'post') {
        const { body, signature, post } = content
        return await this.onPost(runtime, sender, senderKey.raw, { body, signature, post, catchUp })
      }
      return await this.onEntry(runtime, sender, content.entry)
    } catch (err) {
      this.reporter.report(runtime.id, sender.toString(), err)
      return TopicValidatorResult.Reject
    }
  }

  /** Frames that waited for a key we now hold, and posts whose senders have joined since. */
  releaseHeld(runtime: GroupRuntime): void {
    const now = Date.now()
    for (const f of runtime.releaseFrames(now)) {
      void this.handleFrame(runtime, f.sender, f.senderKey, f.data)
    }
    for (const { from, post } of runtime.releasePosts(now)) {
      if (runtime.firstSighting(from, post.id)) {
        this.service.emit('post', { groupId: runtime.id, from, post })
      }
    }
  }

  private async onPost(
    runtime: GroupRuntime,
    sender: PeerId,
    senderKey: Uint8Array,
    signed: { body: Uint8Array; signature: Uint8Array; post: GroupPost; catchUp: boolean }
  ): Promise<TopicValidatorResult> {
    const { body, signature, post } = signed
    await verifyPost(runtime.id, senderKey, body, signature, post)
    const from = sender.toString()
    if (from === this.me) {
      return TopicValidatorResult.Ignore
    }
    if (!runtime.state.members.has(from)) {
      if (runtime.state.removed.has(from)) {
        throw new EntryRejectedError('post from a removed member')
      }
      // its join may still be on the way
      runtime.holdPost(from, post, Date.now())
      this.sync.requestSync(runtime, sender)
      return TopicValidatorResult.Ignore
    }
    if (!runtime.firstSighting(from, post.id)) {
      return TopicValidatorResult.Ignore
    }
    this.service.emit('post', { groupId: runtime.id, from, post, ...(signed.catchUp ? { catchUp: true } : {}) })
    return TopicValidatorResult.Accept
  }

  private async onEntry(
    runtime: GroupRuntime,
    sender: PeerId,
    signed: SignedEntryBytes
  ): Promise<TopicValidatorResult> {
    const entry = await verifyEntryOf(runtime.id, signed)
    if (entry.authorId !== sender.toString()) {
      // entries travel on the topic from their authors only; other peers pass them on by sync
      throw new EntryRejectedError(
        runtime.log.has(entry.idHex) ? `replayed entry (${entry.kind} #${entry.seq})` : 'entry not sent by its author'
      )
    }
    const result = await this.service.engine.apply(runtime, [entry])
    switch (result.type) {
      case 'appended':
        if (result.rejected != null) {
          throw result.rejected
        }
        return TopicValidatorResult.Accept
      case 'rejected':
        throw result.error
      case 'gap':
        // we miss its parents: the author has them
        this.sync.requestSync(runtime, sender, 'forced')
        return TopicValidatorResult.Ignore
      case 'duplicate':
        return TopicValidatorResult.Ignore
    }
  }

  /** Gossipsub validator of the directory topic: announcements with a valid genesis and owner-signed metadata. */
  async validateAnnouncement(msg: Message): Promise<TopicValidatorResult> {
    if (msg.type !== 'signed') {
      return TopicValidatorResult.Reject
    }
    try {
      const { genesis, meta, members } = await verifyAnnouncement(msg.data)
      this.service.directory.apply(msg.from.toString(), genesis, meta, members, Date.now())
      return TopicValidatorResult.Accept
    } catch (err) {
      this.reporter.report(undefined, msg.from.toString(), err)
      return TopicValidatorResult.Reject
    }
  }

  /** Announcements of our public groups: the genesis and the owner's newest metadata. */
  announcements(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>()
    for (const runtime of this.service.groups()) {
      if (runtime.state.private) {
        continue
      }
      const genesis = runtime.log.genesis
      const meta = runtime.log.all().findLast((e) => e.kind === 'meta' && e.authorId === genesis.authorId) ?? genesis
      out.set(runtime.id, encodeAnnouncement(genesis.bytes, meta.bytes, runtime.state.members.size))
    }
    return out
  }
}

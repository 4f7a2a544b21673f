import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Logger, PeerId } from '@libp2p/interface'
import type { UnheardFrames } from '../common/unheard.ts'
import type { Announcer } from './announcer.ts'
import type { GroupChange } from './changes.ts'
import { DIRECTORY_TOPIC } from './constants.ts'
import type { EngineHooks } from './engine.ts'
import type { EmitGroupEvent } from './events.ts'
import type { Inbound } from './inbound.ts'
import type { Op } from './ops.ts'
import { rekeyDelay } from './rekey.ts'
import type { GroupRuntime } from './runtime.ts'
import { roleOf } from './state.ts'
import type { Sync } from './sync.ts'

/** What Reactions need of the group service: our groups, its helpers, signing our operations, its lifetime. */
export interface ReactionsComponents {
  /** our PeerId as a string */
  readonly me: string
  readonly isRunning: boolean
  readonly inbound: Pick<Inbound, 'releaseHeld' | 'validateFrame'>
  readonly sync: Pick<Sync, 'requestSync' | 'deliverInvite'>
  readonly announcer: Pick<Announcer, 'now' | 'replySoon'>
  readonly unheard: Pick<UnheardFrames, 'note' | 'take'>
  group(groupId: string): GroupRuntime | undefined
  groups(): GroupRuntime[]
  /** authors, applies and publishes one of our operations */
  act(runtime: GroupRuntime, op: Op): Promise<unknown>
  emitChange(change: GroupChange, runtime: GroupRuntime): void
  /** the signal of a background operation: its timeout, or the service stopping */
  signal(): AbortSignal
  emit: EmitGroupEvent
}

/**
 * How the service reacts to its groups changing and to the network: subscribing to a group's topic, syncing with
 * members as they appear, rotating the key after someone left, and delivering invitations to invitees that come online.
 */
export class Reactions {
  constructor(
    private readonly service: ReactionsComponents,
    private readonly pubsub: Pick<
      GossipSub,
      'topicValidators' | 'subscribe' | 'unsubscribe' | 'getSubscribers' | 'publish'
    >,
    private readonly adminRekeyDelayMs: number,
    private readonly log: Logger
  ) {
    this.onSubscriptionChange = this.onSubscriptionChange.bind(this)
    this.onPeerConnect = this.onPeerConnect.bind(this)
  }

  /** What the engine calls as groups change. */
  engineHooks(): EngineHooks {
    const service = this.service
    return {
      adopted: (runtime) => this.goOnline(runtime),
      dropped: (runtime) => {
        this.pubsub.topicValidators.delete(runtime.topic)
        if (service.isRunning) {
          this.pubsub.unsubscribe(runtime.topic)
        }
      },
      changed: (runtime, changes) => {
        for (const change of changes) {
          service.emitChange(change, runtime)
        }
        if (service.group(runtime.id) === runtime) {
          service.inbound.releaseHeld(runtime)
          this.scheduleRekey(runtime)
        }
      },
      error: (error, message) => service.emit('failure', { error, message })
    }
  }

  /** Checks a group's topic, subscribes to it, fetches what members have, and (public groups) announces it. */
  goOnline(runtime: GroupRuntime): void {
    this.pubsub.topicValidators.set(runtime.topic, (_peer, msg) => this.service.inbound.validateFrame(runtime, msg))
    if (!this.service.isRunning) {
      return
    }
    this.pubsub.subscribe(runtime.topic)
    for (const peer of this.pubsub.getSubscribers(runtime.topic).slice(0, 4)) {
      this.service.sync.requestSync(runtime, peer)
    }
    if (!runtime.state.private) {
      this.service.announcer.now(runtime.id)
    }
    this.scheduleRekey(runtime)
  }

  /**
   * After a member left a private group (or concurrent changes crossed a rotation): the owner rotates the key at
   * once, admins a little later, and with neither online the plain members in their rotation order (rekeyDelay).
   */
  private scheduleRekey(runtime: GroupRuntime): void {
    const me = this.service.me
    if (!runtime.state.needsRekey || runtime.rekeyTimer != null || roleOf(runtime.state, me) == null) {
      return
    }
    const online = this.pubsub.getSubscribers(runtime.topic).map(String)
    const delay = rekeyDelay(runtime.state, me, online, this.adminRekeyDelayMs, Math.random())
    runtime.rekeyTimer = setTimeout(() => {
      runtime.rekeyTimer = undefined
      if (runtime.state.needsRekey && this.service.isRunning && this.service.group(runtime.id) === runtime) {
        this.service.act(runtime, { kind: 'rekey' }).catch((err: unknown) => this.log('rekey failed - %e', err))
      }
    }, delay)
  }

  /**
   * A member subscribing to a group's topic has (re)connected: fetch what it has, and give it our posts that reached
   * nobody; a newcomer on the directory.
   */
  onSubscriptionChange(evt: CustomEvent<SubscriptionChangeData>): void {
    const { peerId, subscriptions } = evt.detail
    for (const { topic, subscribe } of subscriptions) {
      if (!subscribe) {
        continue
      }
      if (topic === DIRECTORY_TOPIC) {
        this.service.announcer.replySoon()
        continue
      }
      const runtime = this.service.groups().find((r) => r.topic === topic)
      const who = peerId.toString()
      if (runtime == null) {
        continue
      }
      if (runtime.state.members.has(who) || runtime.state.invited.has(who)) {
        this.service.sync.requestSync(runtime, peerId)
      }
      if (runtime.state.members.has(who)) {
        this.publishUnheard(runtime.topic)
      }
    }
  }

  /**
   * A member appeared on the topic: our posts that reached nobody go out once more, since the catch-up request it
   * sent when it saw us may have come before we posted them. It drops what it showed already by id.
   */
  private publishUnheard(topic: string): void {
    const { unheard } = this.service
    for (const { frame } of unheard.take(topic, Date.now())) {
      this.pubsub.publish(topic, frame).then(
        (result) => {
          if (result.recipients.length === 0) {
            unheard.note(topic, frame, Date.now())
          }
        },
        (err: unknown) => this.log('could not publish a post again - %e', err)
      )
    }
  }

  /** An invitee we could not reach before connected: deliver its invitation now. */
  onPeerConnect(evt: CustomEvent<PeerId>): void {
    const peer = evt.detail.toString()
    const me = this.service.me
    for (const runtime of this.service.groups()) {
      const inv = runtime.state.invited.get(peer)
      if (inv != null && (inv.by === me || runtime.state.owner === me)) {
        this.service.sync.deliverInvite(runtime, peer, this.service.signal()).catch((err: unknown) => {
          this.log('invitation for %s still not delivered - %e', peer, err)
        })
      }
    }
  }
}

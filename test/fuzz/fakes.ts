import type { GossipSub, GossipSubEvents, TopicValidatorFn } from '@libp2p/gossipsub'
import type { Connection, Libp2pEvents, PeerId, Stream, StreamHandler, TypedEventTarget } from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { multiaddr } from '@multiformats/multiaddr'
import { memoryStreamPair, released } from './memory-stream.ts'
import { FuzzFailure, isNamedError } from './target.ts'

const LOOPBACK = multiaddr('/ip4/127.0.0.1/tcp/4001')

/**
 * The narrow parts of libp2p the services under fuzz use. Each fake implements the members the services call and is
 * typed as the full interface by a downcast from a Pick of it, which the compiler checks member by member.
 */

/** Gossipsub without a network: validators are kept so the fuzzer can call them, publishing goes nowhere. */
export class FakePubsub extends TypedEventEmitter<GossipSubEvents> {
  readonly topicValidators = new Map<string, TopicValidatorFn>()
  subscribe(): void {}
  unsubscribe(): void {}
  getSubscribers(): PeerId[] {
    return []
  }
  async publish(): Promise<{ recipients: PeerId[] }> {
    return { recipients: [] }
  }
  asGossipSub(): GossipSub {
    return pubsubView(this)
  }
}

/** The members of GossipSub the services call; the rest is never touched. */
function pubsubView(
  view: Pick<
    GossipSub,
    'topicValidators' | 'subscribe' | 'unsubscribe' | 'getSubscribers' | 'addEventListener' | 'removeEventListener'
  >
): GossipSub {
  return view as GossipSub
}

/** Keeps the stream handlers services register, so that the fuzzer can serve streams with them. */
export class FakeRegistrar {
  readonly handlers = new Map<string, StreamHandler>()

  asRegistrar(): Registrar {
    const view: Pick<Registrar, 'handle' | 'unhandle'> = {
      handle: async (protocol, handler) => {
        this.handlers.set(protocol, handler)
      },
      unhandle: async (protocol) => {
        this.handlers.delete(protocol)
      }
    }
    return view as Registrar
  }

  /** Serves one inbound stream from `from`, writing `chunks` as the remote; fails if the handler keeps the stream. */
  async serve(protocol: string, from: PeerId, chunks: readonly Uint8Array[], closeWrite = true): Promise<void> {
    const handler = this.handlers.get(protocol)
    if (handler == null) {
      throw new FuzzFailure(`nothing handles ${protocol}`)
    }
    const { outbound, inbound } = memoryStreamPair(protocol)
    // a loopback address: services that budget per IP (the mailbox) read it
    const connection: Pick<Connection, 'remotePeer' | 'remoteAddr'> = { remotePeer: from, remoteAddr: LOOPBACK }
    let abortedWith: Error | undefined
    inbound.addEventListener('close', (evt) => {
      abortedWith ??= evt.error
    })
    const served = Promise.resolve(handler(inbound, connection as Connection))
    await writeAll(outbound, chunks, closeWrite)
    await served
    if (!released(inbound)) {
      throw new FuzzFailure(`the ${protocol} handler returned without closing or aborting its stream`)
    }
    outbound.abort(new Error('case over'))
    // a handler that aborts its stream says why: a runtime error there is a bug it merely contained
    if (abortedWith != null && !isNamedError(abortedWith)) {
      throw abortedWith
    }
  }
}

/** The attacker's side: every chunk as it comes, then (usually) a clean half-close. */
async function writeAll(stream: Stream, chunks: readonly Uint8Array[], closeWrite: boolean): Promise<void> {
  try {
    for (const chunk of chunks) {
      if (stream.status !== 'open' || stream.writeStatus !== 'writable') {
        return
      }
      if (!stream.send(chunk)) {
        await stream.onDrain({ signal: AbortSignal.timeout(1000) })
      }
    }
    if (closeWrite) {
      await stream.close({ signal: AbortSignal.timeout(1000) })
    }
  } catch {
    // the handler may reset the stream at any point: that is its right
  }
}

/** A connection manager that reaches nobody: services that dial out (sync, replies) get an error. */
export function unreachable(): ConnectionManager {
  const view: Pick<ConnectionManager, 'openStream' | 'getConnections'> = {
    openStream: async () => {
      throw new Error('fuzz: no network')
    },
    getConnections: () => []
  }
  return view as ConnectionManager
}

/** Node events nobody fires. */
export function quietEvents(): TypedEventTarget<Libp2pEvents> {
  return new TypedEventEmitter<Libp2pEvents>()
}

import type {
  AbortOptions,
  ComponentLogger,
  Connection,
  Logger,
  PeerId,
  PrivateKey,
  Startable,
  Stream
} from '@libp2p/interface'
import { TypedEventEmitter } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import { lpStream } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'
import { ReportLimiter, type SuppressedReports } from '../common/budget.ts'
import { errorMessage } from '../common/errors.ts'
import { type AdminReply, decodeCommand, decodeReply, decodeRequest, encodeReply } from './codec.ts'
import {
  ADMIN_PROTOCOL,
  ADMIN_TIMEOUT_MS,
  FRESHNESS_WINDOW_MS,
  MAX_ARGS,
  MAX_INBOUND_STREAMS,
  MAX_QUOTED_LENGTH,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  REFUSAL_REPORT_BUDGET
} from './constants.ts'
import { type AdminErrorCode, AdminRefusedError } from './errors.ts'
import { ReplayCache } from './replay-cache.ts'
import { signRequest, type VerifiedCommand, verifyRequest } from './signing.ts'

export type AdminResult = Omit<Partial<AdminReply>, 'ok' | 'code'> & { message: string }

/** What the relay plugs in: who is an admin, and how to run a verified command. */
export interface AdminHandler {
  isAdmin: (peerId: string) => boolean
  /** runs a verified command; throws AdminRefusedError to refuse it */
  execute: (command: VerifiedCommand) => Promise<AdminResult>
}

export interface AdminServerComponents {
  peerId: PeerId
  registrar: Registrar
  logger: ComponentLogger
}

export interface AdminServerInit {
  /** @default FRESHNESS_WINDOW_MS */
  freshnessMs?: number
  /** @default ADMIN_TIMEOUT_MS */
  timeoutMs?: number
}

/** One handled request, accepted or refused, for the relay's log. */
export interface AdminRequestLog {
  peer: string
  command: string
  args: string[]
  ok: boolean
  code?: AdminErrorCode
  message: string
}

export interface AdminServerEvents {
  /** every accepted request, and refused ones within REFUSAL_REPORT_BUDGET */
  request: CustomEvent<AdminRequestLog>
  /** refused requests that were not reported, once per window in which there were any */
  suppressed: CustomEvent<SuppressedReports>
}

/** The relay side of `/p2pchat/admin/1.0.0`: one signed request and one response per stream. */
export class AdminServer extends TypedEventEmitter<AdminServerEvents> implements Startable {
  private readonly components: AdminServerComponents
  private readonly log: Logger
  private readonly freshnessMs: number
  private readonly timeoutMs: number
  private readonly replay = new ReplayCache()
  private handler?: AdminHandler
  private readonly refusals = new ReportLimiter(REFUSAL_REPORT_BUDGET, (s) =>
    this.safeDispatchEvent('suppressed', { detail: s })
  )

  constructor(components: AdminServerComponents, init: AdminServerInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('p2pchat:admin')
    this.freshnessMs = init.freshnessMs ?? FRESHNESS_WINDOW_MS
    this.timeoutMs = init.timeoutMs ?? ADMIN_TIMEOUT_MS
    this.handle = this.handle.bind(this)
  }

  /** Sets what runs verified commands; until then every request is refused as NOT_RUNNING. */
  setHandler(handler: AdminHandler): void {
    this.handler = handler
  }

  async start(): Promise<void> {
    // admins may well reach the relay over a relayed connection of their own
    await this.components.registrar.handle(ADMIN_PROTOCOL, this.handle, {
      maxInboundStreams: MAX_INBOUND_STREAMS,
      maxOutboundStreams: 1,
      runOnLimitedConnection: true
    })
  }

  async stop(): Promise<void> {
    await this.components.registrar.unhandle(ADMIN_PROTOCOL)
    this.refusals.stop()
  }

  private async handle(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const signal = AbortSignal.timeout(this.timeoutMs)
    const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES })
    let entry: AdminRequestLog = { peer, command: '', args: [], ok: false, code: 'BAD_REQUEST', message: '' }
    let reply: Uint8Array
    let frame: Awaited<ReturnType<typeof lp.read>> | undefined
    try {
      try {
        frame = await lp.read({ signal })
      } catch (err) {
        const tooLarge = err instanceof Error && err.name === 'InvalidDataLengthError'
        throw new AdminRefusedError(
          tooLarge ? 'MESSAGE_TOO_LARGE' : 'BAD_REQUEST',
          tooLarge
            ? `request is over the ${MAX_REQUEST_BYTES} byte limit`
            : `could not read request: ${errorMessage(err)}`
        )
      }
      const handler = this.handler
      if (handler == null) {
        throw new AdminRefusedError('NOT_RUNNING', 'the relay is still starting')
      }
      const verified = await verifyRequest(frame, {
        relay: this.components.peerId.toString(),
        sender: peer,
        now: Date.now(),
        freshnessMs: this.freshnessMs,
        isAdmin: handler.isAdmin,
        replay: this.replay
      })
      entry = { ...entry, command: verified.command, args: verified.args }
      const result = await handler.execute(verified)
      entry = { ...entry, ok: true, code: undefined, message: result.message }
      reply = encodeReply({ ...result, ok: true })
    } catch (err) {
      const refusal =
        err instanceof AdminRefusedError
          ? err
          : new AdminRefusedError('INTERNAL', `admin command failed: ${errorMessage(err)}`)
      entry = { ...entry, ...unverifiedCommand(frame), ok: false, code: refusal.code, message: refusal.message }
      reply = encodeReply({ ok: false, code: refusal.code, message: refusal.message })
    }
    // admins are trusted with the console; anyone else's refusals count against the budget
    if (entry.ok || this.handler?.isAdmin(peer) === true || this.refusals.admit(peer)) {
      this.log('admin request from %s: %s %s', peer, entry.ok ? 'ok' : entry.code, entry.message)
      this.safeDispatchEvent('request', { detail: entry })
    }
    try {
      await lp.write(reply, { signal })
      await closeWithin(stream, signal)
    } catch (err) {
      this.log.trace('admin stream from %s ended without a clean close - %e', peer, err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}

/** Service factory for the relay: `services: { admin: adminServer() }`. */
export function adminServer(init: AdminServerInit = {}): (components: AdminServerComponents) => AdminServer {
  return (components) => new AdminServer(components, init)
}

export interface AdminClientComponents {
  privateKey: PrivateKey
  /** opens a stream to the relay, e.g. `connectionManager.openStream` or `libp2p.dialProtocol` */
  openStream: (
    relay: PeerId,
    protocol: string,
    options: AbortOptions & { runOnLimitedConnection?: boolean }
  ) => Promise<Stream>
}

/**
 * Sends one signed admin command to `relay` and returns its answer. A refusal comes back as AdminRefusedError with
 * the relay's code; a relay that cannot be reached or answers garbage as the underlying error.
 */
export async function sendAdminCommand(
  components: AdminClientComponents,
  relay: PeerId,
  command: string,
  args: string[],
  options: AbortOptions = {}
): Promise<AdminReply> {
  const signal = AbortSignal.any([AbortSignal.timeout(ADMIN_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])])
  const frame = await signRequest(components.privateKey, { relay: relay.toString(), command, args })
  const stream = await components.openStream(relay, ADMIN_PROTOCOL, {
    signal,
    runOnLimitedConnection: true
  })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_RESPONSE_BYTES })
    await lp.write(frame, { signal })
    const reply = decodeReply(await lp.read({ signal }))
    await stream.close({ signal })
    if (!reply.ok) {
      throw new AdminRefusedError(reply.code as AdminErrorCode, reply.message)
    }
    return reply
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/**
 * Closes our side and waits for the peer to close theirs until `signal` fires. A stream counts against
 * MAX_INBOUND_STREAMS until both sides are closed, so a peer that keeps its side open would hold the slot for good:
 * at the deadline the caller resets it instead.
 */
async function closeWithin(stream: Stream, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  await stream.close({ signal })
  if (stream.status !== 'open' && stream.status !== 'closing') {
    return
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      stream.removeEventListener('close', onClose)
      reject(signal.reason)
    }
    const onClose = (): void => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }
    stream.addEventListener('close', onClose, { once: true })
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function quote(text: string): string {
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}...` : text
}

/** For the log only: what a refused request asked for, if it decodes at all, cut short. Never acted upon. */
function unverifiedCommand(frame: Uint8Array | Uint8ArrayList | undefined): { command: string; args: string[] } {
  if (frame == null) {
    return { command: '', args: [] }
  }
  try {
    const body = decodeCommand(decodeRequest(frame).commandBytes)
    return { command: quote(body.command), args: body.args.slice(0, MAX_ARGS).map(quote) }
  } catch {
    return { command: '', args: [] }
  }
}

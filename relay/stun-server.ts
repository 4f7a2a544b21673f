import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import type { Logger } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import { errorMessage } from '../protocols/common/index.ts'
import { decodeBindingRequest, encodeBindingSuccess, ipBytes } from '../protocols/stun/index.ts'
import { StunBudget } from './stun-budget.ts'

export interface StunServerInit {
  /** UDP port to answer on; 0 runs no responder */
  port: number
  /** the relay's listen addresses: the responder binds the same IP addresses (0.0.0.0 / :: for all) */
  listen: string[]
  log?: Logger
  budget?: StunBudget
}

/** Where answers go: a UDP socket (a recorder in tests). */
export interface StunSender {
  send: (msg: Uint8Array, port: number, address: string, callback: (err: Error | null) => void) => void
}

/** A STUN binding responder (RFC 8489) beside the relay: it tells each client the address its packets come from. */
export class StunServer {
  private readonly sockets: Socket[] = []
  private readonly budget: StunBudget
  private readonly log: Logger
  private boundPort = 0

  private readonly port: number
  private readonly listen: string[]

  constructor(init: StunServerInit) {
    this.log = init.log ?? logger('p2pchat:stun')
    this.port = init.port
    this.listen = init.listen
    this.budget = init.budget ?? new StunBudget()
  }

  /** Starts answering on every listen IP; resolves with what could not be bound (the rest still answer). */
  async start(): Promise<string[]> {
    const failures: string[] = []
    if (this.port === 0) {
      return failures
    }
    for (const host of listenHosts(this.listen)) {
      try {
        await this.bind(host, this.port)
      } catch (err) {
        failures.push(`UDP ${host.includes(':') ? `[${host}]` : host}:${this.port}: ${errorMessage(err)}`)
      }
    }
    return failures
  }

  /** The UDP port it answers on, 0 when it answers nowhere. */
  get boundTo(): number {
    return this.boundPort
  }

  private async bind(host: string, port: number): Promise<void> {
    // an IPv6 socket answers IPv6 only: IPv4 has its own socket, so mapped addresses never reach the codec
    const socket = host.includes(':') ? createSocket({ type: 'udp6', ipv6Only: true }) : createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(port, host, () => {
        socket.off('error', reject)
        resolve()
      })
    }).catch((err: unknown) => {
      socket.close()
      throw err
    })
    socket.on('error', (err) => this.log.error('STUN socket error - %e', err))
    socket.on('message', (packet, remote) => this.answer(socket, packet, remote))
    this.sockets.push(socket)
    this.boundPort = socket.address().port
  }

  /** Answers one datagram if it is a binding request within budget; anything else is dropped without a word. */
  answer(socket: StunSender, packet: Uint8Array, remote: Pick<RemoteInfo, 'address' | 'port'>): void {
    let reply: Uint8Array
    try {
      const request = decodeBindingRequest(packet)
      const address = ipBytes(remote.address)
      if (address == null) {
        return
      }
      reply = encodeBindingSuccess(request, { address, port: remote.port })
    } catch {
      return
    }
    // checked after decoding, so garbage does not use up the budget of the address it claims to come from
    if (!this.budget.take(remote.address, Date.now())) {
      return
    }
    socket.send(reply, remote.port, remote.address, (err) => {
      if (err != null) {
        this.log('STUN answer to %s failed - %s', remote.address, err.message)
      }
    })
  }

  async stop(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    this.boundPort = 0
  }
}

/** The distinct IP hosts of TCP/WebSocket listen addresses. */
function listenHosts(listen: string[]): string[] {
  const hosts = new Set<string>()
  for (const addr of listen) {
    const ip = multiaddr(addr)
      .getComponents()
      .find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
    if (ip != null) {
      hosts.add(ip)
    }
  }
  return [...hosts]
}

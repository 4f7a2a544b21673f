import { readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { READ_BLOCK_BYTES } from '../protocols/file/constants.ts'
import { send } from '../protocols/file/stream-io.ts'

/** Child-process roles of the file benchmark's baselines; each prints one JSON line with its result. */

const BLOCK = 256 * 1024
const BENCH_PROTOCOL = '/p2pchat-bench/1.0.0'

function report(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

/** CPU time (user + system) this process has used, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** This process's peak resident memory so far. */
function peakRss(): number {
  const status = readFileSync('/proc/self/status', 'utf8')
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024
}

/** Raw TCP receiver: counts bytes until the sender closes. */
export async function tcpReceiver(): Promise<void> {
  const server = createServer((socket) => {
    let bytes = 0
    let started = 0
    let cpuAtStart = 0
    socket.on('data', (d: Buffer) => {
      if (started === 0) {
        started = performance.now()
        cpuAtStart = cpuMs()
      }
      bytes += d.byteLength
    })
    socket.on('end', () => {
      report({ bytes, ms: performance.now() - started, peakRss: peakRss(), cpuMs: cpuMs() - cpuAtStart })
      server.close()
    })
  })
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    report({ port: typeof address === 'object' && address != null ? address.port : 0 })
  })
}

/** Raw TCP sender: writes `size` bytes with backpressure. */
export async function tcpSender(port: number, size: number): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  const cpuAtStart = cpuMs()
  const block = Buffer.alloc(BLOCK, 7)
  for (let sent = 0; sent < size; sent += BLOCK) {
    if (!socket.write(block.subarray(0, Math.min(BLOCK, size - sent)))) {
      await new Promise((resolve) => socket.once('drain', resolve))
    }
  }
  socket.end()
  await new Promise((resolve) => socket.once('close', resolve))
  report({ cpuMs: cpuMs() - cpuAtStart })
}

async function bareNode(listen: string[]): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

/**
 * Bare libp2p receiver (TCP + Noise + yamux, as p2pchat uses): counts a stream's bytes, and with `saveTo` also
 * writes them to that file, awaiting each write, as any file transfer must.
 */
export async function libp2pReceiver(saveTo?: string): Promise<void> {
  const file = saveTo == null ? undefined : await open(saveTo, 'w')
  const node = await bareNode(['/ip4/127.0.0.1/tcp/0'])
  await node.handle(
    BENCH_PROTOCOL,
    async (stream) => {
      let bytes = 0
      let started = 0
      let cpuAtStart = 0
      for await (const chunk of stream) {
        if (started === 0) {
          started = performance.now()
          cpuAtStart = cpuMs()
        }
        if (file != null) {
          await file.writev(chunk instanceof Uint8Array ? [chunk] : [...chunk], bytes)
        }
        bytes += chunk.byteLength
      }
      await file?.close()
      report({ bytes, ms: performance.now() - started, peakRss: peakRss(), cpuMs: cpuMs() - cpuAtStart })
      await stream.close()
      setTimeout(() => void node.stop(), 100)
    },
    { maxInboundStreams: 1 }
  )
  report({ addr: node.getMultiaddrs()[0].toString() })
}

/** Bare libp2p sender: one stream, `size` bytes from memory, or read from `readFrom` in 1 MiB blocks. */
export async function libp2pSender(addr: string, size: number, readFrom?: string): Promise<void> {
  const node = await bareNode([])
  const stream = await node.dialProtocol(multiaddr(addr), BENCH_PROTOCOL)
  const cpuAtStart = cpuMs()
  const block = new Uint8Array(BLOCK).fill(7)
  const file = readFrom == null ? undefined : await open(readFrom, 'r')
  for (let sent = 0; sent < size; ) {
    let data = block.subarray(0, Math.min(BLOCK, size - sent))
    if (file != null) {
      const buf = Buffer.allocUnsafe(Math.min(READ_BLOCK_BYTES, size - sent))
      const { bytesRead } = await file.read(buf, 0, buf.byteLength, sent)
      data = buf.subarray(0, bytesRead)
    }
    // send() and a wait for 'drain', as the file protocol does (see protocols/file/stream-io.ts)
    await send(stream, data)
    sent += data.byteLength
  }
  await file?.close()
  await stream.close()
  // stopping now would drop what yamux still holds for lack of window: wait for the receiver to finish
  for await (const _ of stream) {
    // the receiver sends nothing; this ends when it closes its side
  }
  report({ cpuMs: cpuMs() - cpuAtStart })
  await node.stop()
}

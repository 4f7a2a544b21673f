import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { now } from './stats.ts'
import { type Pump, type RoundTripper, runConcurrently } from './subjects.ts'

/** Raw TCP on loopback with Nagle off, as libp2p's TCP transport sets it: the floor for everything else. */
export async function tcpEcho(payloadBytes: number): Promise<RoundTripper> {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {})
    socket.on('data', (chunk) => socket.write(chunk))
  })
  const socket = await dialLoopback(server)
  const payload = Buffer.alloc(payloadBytes, 0x61)
  let waiting: { remaining: number; resolve: () => void } | undefined
  socket.on('data', (chunk: Buffer) => {
    if (waiting == null) {
      return
    }
    waiting.remaining -= chunk.byteLength
    if (waiting.remaining <= 0) {
      const { resolve } = waiting
      waiting = undefined
      resolve()
    }
  })
  return {
    roundTrip: () =>
      new Promise<void>((resolve) => {
        waiting = { remaining: payloadBytes, resolve }
        socket.write(payload)
      }),
    close: () => closeBoth(socket, server)
  }
}

/** One-way bulk transfer in `chunkBytes` writes, counted where it arrives. */
export async function tcpSink(chunkBytes: number): Promise<Pump> {
  let received = 0
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      received += chunk.byteLength
    })
  })
  const socket = await dialLoopback(server)
  const chunk = Buffer.alloc(chunkBytes, 0x61)
  return {
    async run(durationMs) {
      const start = now()
      const startBytes = received
      await runConcurrently(
        1,
        () => now() - start >= durationMs,
        async () => {
          if (!socket.write(chunk)) {
            await once(socket, 'drain')
          }
        }
      )
      return { bytes: received - startBytes, ms: now() - start }
    },
    close: () => closeBoth(socket, server)
  }
}

async function dialLoopback(server: Server): Promise<Socket> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address == null || typeof address === 'string') {
    throw new Error('TCP baseline server has no port')
  }
  const socket = connect({ port: address.port, host: '127.0.0.1', noDelay: true })
  await once(socket, 'connect')
  return socket
}

async function closeBoth(socket: Socket, server: Server): Promise<void> {
  // the server side ends when the client's FIN/RST arrives; close() waits for that
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  socket.destroy()
  await closed
}

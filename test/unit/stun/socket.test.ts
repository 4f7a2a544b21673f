import { createSocket, type Socket } from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeBindingSuccess, ipBytes } from '../../../protocols/stun/index.ts'
import { StunServer } from '../../../relay/stun-server.ts'
import { SAMPLE_REQUEST } from './vectors.ts'

const sockets: Socket[] = []
const servers: StunServer[] = []

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4')
  sockets.push(socket)
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return socket
}

describe('STUN responder on a real socket (loopback)', () => {
  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      socket.close()
    }
    await Promise.all(servers.splice(0).map((s) => s.stop()))
  })

  it('answers over UDP on the listen address, and says which address it could not bind', async () => {
    const taken = await udpSocket()
    const port = taken.address().port
    const blocked = new StunServer({ port, listen: ['/ip4/127.0.0.1/tcp/0'] })
    servers.push(blocked)
    const failures = await blocked.start()
    expect(failures).toHaveLength(1)
    expect(failures[0]).toContain(`127.0.0.1:${port}`)
    expect(blocked.boundTo).toBe(0)

    // a free port: find one, release it, bind the responder there
    const probe = await udpSocket()
    const free = probe.address().port
    probe.close()
    sockets.splice(sockets.indexOf(probe), 1)
    const server = new StunServer({ port: free, listen: ['/ip4/127.0.0.1/tcp/4100', '/ip4/127.0.0.1/tcp/4101/ws'] })
    servers.push(server)
    expect(await server.start()).toEqual([])
    expect(server.boundTo).toBe(free)

    const client = await udpSocket()
    const reply = new Promise<Buffer>((resolve) => client.once('message', resolve))
    client.send(SAMPLE_REQUEST, free, '127.0.0.1')
    const answer = decodeBindingSuccess(new Uint8Array(await reply))
    expect(answer.mapped).toEqual({ address: ipBytes('127.0.0.1'), port: client.address().port })
  })

  it('runs nothing with port 0', async () => {
    const server = new StunServer({ port: 0, listen: ['/ip4/127.0.0.1/tcp/0'] })
    servers.push(server)
    expect(await server.start()).toEqual([])
    expect(server.boundTo).toBe(0)
  })
})

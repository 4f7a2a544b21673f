import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it, vi } from 'vitest'
import { DisconnectChecks } from '../../../protocols/presence/disconnect-checks.ts'

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false })

function checks(dial: () => Promise<unknown>, open = 0, signal = new AbortController().signal) {
  const gone: string[] = []
  const openConnection = vi.fn(dial)
  const c = new DisconnectChecks({
    connectionManager: {
      getConnections: () => Array.from({ length: open }) as never,
      openConnection: openConnection as never
    },
    delayMs: 10,
    gone: (peer) => gone.push(peer.toString()),
    log: log as never,
    signal
  })
  return { c, gone, openConnection }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50))

describe('disconnect checks', () => {
  it('a peer that does not answer our dial is gone; one that answers stays', async () => {
    const peer = await newPeer()
    const failing = checks(() => Promise.reject(new Error('unreachable')))
    failing.c.disconnected(peer)
    await settle()
    expect(failing.gone).toEqual([peer.toString()])

    const answering = checks(() => Promise.resolve({}))
    answering.c.disconnected(peer)
    await settle()
    expect(answering.gone).toEqual([])
  })

  it('a peer back on a connection of its own is not dialed; one check per peer at a time', async () => {
    const peer = await newPeer()
    const back = checks(() => Promise.reject(new Error('unreachable')), 1)
    back.c.disconnected(peer)
    await settle()
    expect(back.openConnection).not.toHaveBeenCalled()
    expect(back.gone).toEqual([])

    const twice = checks(() => Promise.reject(new Error('unreachable')))
    twice.c.disconnected(peer)
    twice.c.disconnected(peer)
    await settle()
    expect(twice.openConnection).toHaveBeenCalledTimes(1)
  })

  it('after shutdown nobody is dialed or declared gone', async () => {
    const peer = await newPeer()
    const shutdown = new AbortController()
    const pending = checks(() => Promise.reject(new Error('unreachable')), 0, shutdown.signal)
    pending.c.disconnected(peer)
    shutdown.abort()
    pending.c.disconnected(peer)
    await settle()
    expect(pending.openConnection).not.toHaveBeenCalled()
    expect(pending.gone).toEqual([])
  })
})

import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { openStreamReusing } from '../../../protocols/common/streams.ts'

const peer = {} as PeerId

function connection(name: string, limited: boolean, status = 'open'): Connection {
  return {
    status,
    limits: limited ? { bytes: 1n } : undefined,
    newStream: async () => ({ name }) as unknown as Stream
  } as unknown as Connection
}

function manager(connections: Connection[]) {
  return {
    getConnections: () => connections,
    openStream: async () => ({ name: 'dialed' }) as unknown as Stream
  }
}

async function opened(connections: Connection[], runOnLimitedConnection?: boolean): Promise<string> {
  const stream = await openStreamReusing(manager(connections), peer, '/test/1.0.0', { runOnLimitedConnection })
  return (stream as unknown as { name: string }).name
}

describe('openStreamReusing', () => {
  it('prefers an open unlimited connection', async () => {
    expect(await opened([connection('relayed', true), connection('direct', false)], true)).toBe('direct')
  })

  it('reuses a relayed connection for protocols that run on one, instead of dialing another', async () => {
    expect(await opened([connection('relayed', true)], true)).toBe('relayed')
  })

  it('dials when only a limited connection exists and the protocol may not use it, or none is open', async () => {
    expect(await opened([connection('relayed', true)], false)).toBe('dialed')
    expect(await opened([connection('closing', false, 'closing')], true)).toBe('dialed')
    expect(await opened([], true)).toBe('dialed')
  })

  it('works with a bare openStream', async () => {
    const stream = await openStreamReusing({ openStream: async () => ({}) as Stream }, peer, '/test/1.0.0')
    expect(stream).toEqual({})
  })
})

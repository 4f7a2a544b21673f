import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { MessageTooLargeError } from '../../../protocols/common/errors.ts'
import { frameStream } from '../../../protocols/common/frames.ts'
import { MAX_CONCURRENT_SYNCS, MAX_PAGE_BYTES } from '../../../protocols/presence-sync/constants.ts'
import {
  encodeRequest,
  PresenceSync,
  SYNC_BURST_PER_PEER,
  type SyncEntry,
  SyncRefusedError
} from '../../../protocols/presence-sync/index.ts'
import { streamPairs } from './stream-pairs.ts'

const pair = streamPairs()

const unused = (): never => {
  throw new Error('not in this test')
}

function service(entries: SyncEntry[] = []): PresenceSync {
  return new PresenceSync(
    {
      registrar: { handle: unused, unhandle: unused },
      connectionManager: { openStream: unused },
      logger: defaultLogger()
    },
    { entries: () => entries }
  )
}

/** A client whose streams go to `server`'s handler. */
async function clientOf(server: PresenceSync): Promise<PresenceSync> {
  const connection = await connectionFrom('10.9.9.9')
  return new PresenceSync(
    {
      registrar: { handle: unused, unhandle: unused },
      connectionManager: {
        openStream: async () => {
          const [outbound, inbound] = await pair()
          void server.handleStream(inbound, connection)
          return outbound
        }
      },
      logger: defaultLogger()
    },
    { entries: () => [] }
  )
}

function entries(count: number, dataBytes: number): SyncEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    announcement: {
      from: Uint8Array.of(i),
      seqno: new Uint8Array(8),
      data: new Uint8Array(dataBytes),
      signature: new Uint8Array(64)
    },
    ageMs: i
  }))
}

async function connectionFrom(ip = '10.0.0.1') {
  const key = await generateKeyPair('Ed25519')
  return { remotePeer: peerIdFromPrivateKey(key), remoteAddr: multiaddr(`/ip4/${ip}/tcp/4001`) }
}

/** Runs one sync against `sync`; resolves with whether it was answered (else the stream was reset). */
async function ask(sync: PresenceSync, connection: Awaited<ReturnType<typeof connectionFrom>>): Promise<boolean> {
  const [outbound, inbound] = await pair()
  const served = sync.handleStream(inbound, connection)
  const frames = frameStream(outbound, MAX_PAGE_BYTES)
  try {
    await frames.write(encodeRequest(0))
    await frames.read({ signal: AbortSignal.timeout(2000) })
    return true
  } catch {
    return false
  } finally {
    await served
  }
}

describe('presence sync answers', () => {
  it('an answer comes whole, within the entries asked for and the bytes a peer reads', async () => {
    const server = service(entries(300, 1000))
    const client = await clientOf(server)
    const peer = (await connectionFrom()).remotePeer
    expect(await client.fetch(peer)).toEqual(entries(300, 1000))
    // more entries than asked for, or more bytes than we read: refused, nothing kept
    await expect(client.fetch(peer, { limit: 10 })).resolves.toHaveLength(10)
    // (whichever notices first: our count of the pages, or the read buffer of pages not yet read)
    const tooBig = await client.fetch(peer, { maxBytes: 100_000 }).catch((err: unknown) => err)
    expect(tooBig instanceof SyncRefusedError || tooBig instanceof MessageTooLargeError).toBe(true)
  })

  it('a peer gets a few syncs, then waits; another peer is not held up by it', async () => {
    const sync = service()
    const mallory = await connectionFrom()
    const answers = []
    for (let i = 0; i < SYNC_BURST_PER_PEER + 2; i++) {
      answers.push(await ask(sync, mallory))
    }
    expect(answers).toEqual([...Array(SYNC_BURST_PER_PEER).fill(true), false, false])
    expect(await ask(sync, await connectionFrom())).toBe(true)
  })

  it('fresh PeerIds on one address share that address allowance', async () => {
    const sync = service()
    let answered = 0
    for (let i = 0; i < 80; i++) {
      answered += (await ask(sync, await connectionFrom('10.6.6.6'))) ? 1 : 0
    }
    expect(answered).toBe(64)
    expect(await ask(sync, await connectionFrom('10.0.0.2'))).toBe(true)
  })

  it('answers a bounded number at once: a peer that never sends its request cannot hold more', async () => {
    const sync = service()
    const stalled = await Promise.all(
      Array.from({ length: MAX_CONCURRENT_SYNCS }, async (_, i) => {
        const [outbound, inbound] = await pair()
        return { outbound, served: sync.handleStream(inbound, await connectionFrom(`10.1.0.${i + 1}`)) }
      })
    )
    expect(await ask(sync, await connectionFrom('10.0.0.3'))).toBe(false)
    for (const s of stalled) {
      s.outbound.abort(new Error('gone'))
    }
    await Promise.all(stalled.map((s) => s.served))
    expect(await ask(sync, await connectionFrom('10.0.0.3'))).toBe(true)
  })
})

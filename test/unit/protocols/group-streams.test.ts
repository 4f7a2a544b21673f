import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { afterEach, describe, expect, it } from 'vitest'
import { errorCode } from '../../../node/errors.ts'
import { encodeRequest } from '../../../protocols/group/stream-codec.ts'
import { type GroupStreamHooks, serveGroupStream } from '../../../protocols/group/streams.ts'

const PEER = peerIdFromString('12D3KooWGRUVh6ZpoDW9SpFxmsDDfYmoXWNLZbXzKVexpbDgm6Tj')
const GROUP_ID = 'a'.repeat(26)
const open: Stream[] = []

afterEach(() => {
  for (const s of open.splice(0)) {
    s.abort(new Error('test over'))
  }
})

const hooks: GroupStreamHooks = {
  logFor: () => ({ status: 'ok', entries: [] }),
  invitation: async () => ({ status: 'ok' }),
  decline: async () => ({ status: 'ok' })
}

function varint(value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Uint8Array.from(out)
}

function frame(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(bytes.byteLength), ...bytes])
}

/** Sends `chunks` verbatim to a serving end, closes ours, and returns the error code the server failed with. */
async function serveAfter(chunks: Uint8Array[]): Promise<string> {
  const [client, server] = await streamPair()
  open.push(client, server)
  for (const chunk of chunks) {
    client.send(chunk)
  }
  await client.close()
  const served = serveGroupStream(server, PEER, hooks, AbortSignal.timeout(5000))
  return served.then(
    () => 'served',
    (err: unknown) => errorCode(err)
  )
}

const invite = frame(
  encodeRequest({
    kind: 'invite',
    groupId: GROUP_ID,
    knownSeq: 0,
    knownId: new Uint8Array(0),
    inviteId: new Uint8Array(32).fill(7)
  })
)

describe('group streams: bad framing is a protocol error', () => {
  it.each([
    ['nothing at all', [] as Uint8Array[]],
    ['a request frame cut short', [varint(100), new Uint8Array(10).fill(0x41)]],
    ['a length prefix cut short', [Uint8Array.from([0x80])]],
    ['an invitation whose log chunk is cut short', [invite, varint(500), new Uint8Array(20).fill(0x0a)]],
    ['an invitation with no log at all', [invite]]
  ])('%s: PROTOCOL_ERROR, not INTERNAL', async (_what, chunks) => {
    expect(await serveAfter(chunks)).toBe('PROTOCOL_ERROR')
  })

  it('a frame announced over the limit: MESSAGE_TOO_LARGE', async () => {
    expect(await serveAfter([varint(10 * 1024 * 1024), new Uint8Array(100)])).toBe('MESSAGE_TOO_LARGE')
  })
})

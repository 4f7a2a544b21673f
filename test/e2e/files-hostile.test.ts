import { createHash, randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chooseChunkSize, chunkCount, chunkLength } from '../../protocols/file/chunks.ts'
import { FILE_PROTOCOL } from '../../protocols/file/constants.ts'
import { type FileRequestHandler, type FileTransfer, fileTransfer } from '../../protocols/file/file.ts'
import { listTree } from './files-helpers.ts'
import { cleanup, type PeerProcess, spawnPeer, tempDir } from './harness.ts'

const MB = 1024 * 1024

type Hostile = Awaited<ReturnType<typeof hostileNode>>

/** A peer that speaks /p2pchat/file/1.0.0 but lies: it sends whatever each test scripts. */
async function hostileNode() {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), file: fileTransfer() }
  })
}

function chunkHashes(data: Uint8Array, size: number): Uint8Array {
  const chunkSize = chooseChunkSize(size)
  const out = new Uint8Array(chunkCount(size, chunkSize) * 32)
  for (let i = 0; i < chunkCount(size, chunkSize); i++) {
    const part = data.subarray(i * chunkSize, i * chunkSize + chunkLength(i, size, chunkSize))
    out.set(createHash('sha256').update(part).digest(), i * 32)
  }
  return out
}

interface Script {
  name: string
  /** what the offer claims */
  size: number
  sha256: Uint8Array
  /** what a fetch gets */
  data: Uint8Array
}

/** Makes `file` serve the scripted bytes for every offer id it is asked for. */
function serve(file: FileTransfer, scripts: Map<string, Script>): void {
  const handler: FileRequestHandler = {
    offer: async () => ({ status: 'ok' }),
    decline: async () => ({ status: 'ok' }),
    cancel: async () => ({ status: 'ok' }),
    complete: async () => ({ status: 'ok' }),
    fetch: async (_peer, req) => {
      const script = scripts.get(req.id)
      if (script == null) {
        return { status: 'unknown' }
      }
      const data = script.data.subarray(req.offset)
      return {
        status: 'ok',
        ...(req.wantHashes ? { chunkHashes: chunkHashes(script.data, script.size) } : {}),
        source: (async function* () {
          yield data
        })(),
        signal: new AbortController().signal
      }
    }
  }
  file.setHandler(handler)
}

describe('offers from a hostile peer', () => {
  let hostile: Hostile
  let victim: PeerProcess
  let downloads: string
  const scripts = new Map<string, Script>()

  beforeEach(async () => {
    downloads = tempDir('p2pchat-dl-')
    victim = await spawnPeer({ name: 'victim', extraArgs: ['--download-dir', downloads] })
    hostile = await hostileNode()
    serve(hostile.services.file, scripts)
    await hostile.dial(multiaddr(victim.addrs[0]))
  })

  afterEach(async () => {
    await hostile?.stop()
    scripts.clear()
    await cleanup()
  })

  /** Offers `script` to the victim and returns the offer event it shows. */
  async function offerScripted(script: Script) {
    const id = randomBytes(16).toString('hex')
    scripts.set(id, script)
    const from = victim.events.length
    const response = await hostile.services.file.request(peerIdFromString(victim.peerId), {
      kind: 'offer',
      offer: {
        id,
        name: script.name,
        size: script.size,
        sha256: script.sha256,
        chunkSize: chooseChunkSize(script.size),
        senderName: 'mallory',
        ttlMs: 60_000
      }
    })
    expect(response.status).toBe('ok')
    return victim.waitFor('offer', (o) => o.id === id, { from })
  }

  function honest(name: string, size = MB + 12345): Script {
    const data = randomBytes(size)
    return { name, size, sha256: createHash('sha256').update(data).digest(), data }
  }

  it('saves path-traversal and absolute names inside the download folder only, marked as unknown', async () => {
    const cases = [
      ['../../etc/passwd', 'passwd'],
      ['/etc/shadow', 'shadow'],
      ['C:\\Windows\\System32\\evil.dll', 'evil.dll'],
      ['..', 'file']
    ]
    for (const [offered, saved] of cases) {
      const offer = await offerScripted(honest(offered))
      expect(offer.name).toBe(saved)
      expect(offer.offeredName).toBe(offered)
      expect(offer.known).toBe(false)
      victim.send(`/accept ${offer.shortId}`)
      const done = await victim.waitFor('done', (d) => d.id === offer.id)
      expect(done.path).toBe(`${downloads}/${saved}`)
    }
    expect(await listTree(downloads)).toEqual(['evil.dll', 'file', 'passwd', 'shadow'])
  })

  it('strips control characters from names, and names made only of them become "file"', async () => {
    const tricky = await offerScripted(honest('\u001b[2J\u0007re\u202eport\u0000.txt'))
    expect(tricky.name).toBe('[2Jreport.txt')
    const empty = await offerScripted(honest('\u0001\u0002\u0003'))
    expect(empty.name).toBe('file')
    for (const offer of [tricky, empty]) {
      victim.send(`/accept ${offer.shortId}`)
      await victim.waitFor('done', (d) => d.id === offer.id)
    }
    const names = await listTree(downloads)
    expect(names).toEqual(['[2Jreport.txt', 'file'])
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    expect(names.join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/)
  })

  it('aborts when the sender sends more than it announced, keeping nothing', async () => {
    const real = honest('big.bin', 3 * MB)
    const lying: Script = { ...real, size: MB, sha256: createHash('sha256').update(real.data.subarray(0, MB)).digest() }
    const offer = await offerScripted(lying)
    victim.send(`/accept ${offer.shortId}`)
    const error = await victim.waitFor('error', (e) => e.transfer === offer.id)
    expect(error.code).toBe('SIZE_MISMATCH')
    expect(await listTree(downloads)).toEqual([])
  })

  it('deletes a file whose SHA-256 does not match the offer', async () => {
    const wrong: Script = { ...honest('report.pdf', 2 * MB + 1), sha256: randomBytes(32) }
    const offer = await offerScripted(wrong)
    victim.send(`/accept ${offer.shortId}`)
    const error = await victim.waitFor('error', (e) => e.transfer === offer.id)
    expect(error.code).toBe('HASH_MISMATCH')
    expect(await listTree(downloads)).toEqual([])
  })

  it('reports garbage on the file protocol and keeps running', async () => {
    const stream = await hostile.dialProtocol(multiaddr(victim.addrs[0]), FILE_PROTOCOL)
    stream.send(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01, ...randomBytes(64)]))
    const error = await victim.waitFor('error', (e) => e.code === 'PROTOCOL_ERROR' || e.code === 'MESSAGE_TOO_LARGE')
    expect(error.message).toMatch(/file transfer stream/)
    stream.abort(new Error('done'))
    // still answering
    expect((await victim.users()).length).toBe(1)
  })

  it('refuses offers from peers the accept hook rejects (blocking)', async () => {
    const guarded = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { file: fileTransfer({ accept: (peer) => !peer.equals(hostile.peerId) }) }
    })
    try {
      const offered: string[] = []
      guarded.services.file.setHandler({
        offer: async (_peer, o) => {
          offered.push(o.id)
          return { status: 'ok' }
        },
        fetch: async () => ({ status: 'unknown' }),
        decline: async () => ({ status: 'ok' }),
        cancel: async () => ({ status: 'ok' }),
        complete: async () => ({ status: 'ok' })
      })
      await hostile.dial(guarded.getMultiaddrs()[0])
      const script = honest('x.bin')
      const response = await hostile.services.file.request(guarded.peerId, {
        kind: 'offer',
        offer: {
          id: randomBytes(16).toString('hex'),
          name: script.name,
          size: script.size,
          sha256: script.sha256,
          chunkSize: chooseChunkSize(script.size),
          senderName: 'mallory',
          ttlMs: 60_000
        }
      })
      expect(response.status).toBe('refused')
      expect(offered).toEqual([])
    } finally {
      await guarded.stop()
    }
  })
})

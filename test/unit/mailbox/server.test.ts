import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream, streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import type { StoredMail } from '../../../protocols/mailbox/book.ts'
import { MailboxClient } from '../../../protocols/mailbox/client.ts'
import { decodeResponse } from '../../../protocols/mailbox/codec.ts'
import { MAILBOX_DEFAULTS, MAX_REQUEST_BYTES, type MailboxSettings } from '../../../protocols/mailbox/constants.ts'
import { MailboxRefusedError } from '../../../protocols/mailbox/errors.ts'
import { MailboxServer, type MailPersistence } from '../../../protocols/mailbox/server.ts'

async function newPeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** A relay's mailbox server and clients whose streams reach it through in-memory pairs. */
async function setup(settings: MailboxSettings = MAILBOX_DEFAULTS, persistence?: MailPersistence) {
  const registrar = { handle: async () => {}, unhandle: async () => {} }
  const server = new MailboxServer(
    { registrar, logger: defaultLogger() },
    {
      settings: { ...settings },
      ...(persistence != null ? { persistence } : {})
    }
  )
  await server.start()
  const relay = await newPeer()
  const clientFor = (me: PeerId, ip = '127.0.0.1') =>
    new MailboxClient({
      connectionManager: {
        openStream: async () => {
          const [outbound, inbound] = await streamPair()
          void server.handleStream(inbound, { remotePeer: me, remoteAddr: multiaddr(`/ip4/${ip}/tcp/4001`) })
          return outbound
        }
      }
    })
  const rawStream = async (me: PeerId) => {
    const [outbound, inbound] = await streamPair()
    void server.handleStream(inbound, { remotePeer: me, remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1') })
    return outbound
  }
  return { server, relay, clientFor, rawStream }
}

const id = (n: number) => {
  const b = new Uint8Array(16)
  b[0] = n
  return b
}
const env = (s: string) => new Uint8Array(new TextEncoder().encode(s))

describe('mailbox protocol', () => {
  it('a recipient fetches and deletes its mail; nobody else can read or delete it', async () => {
    const { relay, clientFor } = await setup()
    const [alice, bob, mallory] = await Promise.all([newPeer(), newPeer(), newPeer()])
    expect(await clientFor(alice).deposit(relay, bob, id(1), env('sealed 1'))).toBe(1)
    expect(await clientFor(alice).deposit(relay, bob, id(2), env('sealed 2'))).toBe(2)
    // mallory fetches and deletes "her" mail: she only ever reaches her own mailbox
    expect(await clientFor(mallory).fetch(relay)).toEqual({ mail: [], remaining: 0 })
    expect(await clientFor(mallory).delete(relay, [id(1), id(2)])).toBe(0)
    const fetched = await clientFor(bob).fetch(relay)
    expect(fetched.mail.map((m) => new TextDecoder().decode(m.envelope))).toEqual(['sealed 1', 'sealed 2'])
    expect(await clientFor(bob).delete(relay, [id(1), id(2)])).toBe(2)
    expect((await clientFor(bob).fetch(relay)).mail).toEqual([])
  })

  it('tells the sender MAILBOX_FULL and RATE_LIMITED instead of losing mail silently', async () => {
    const { relay, clientFor } = await setup({ ...MAILBOX_DEFAULTS, maxMailsPerRecipient: 2, senderBurst: 3 })
    const [alice, bob, carol] = await Promise.all([newPeer(), newPeer(), newPeer()])
    await clientFor(alice).deposit(relay, bob, id(1), env('a'))
    await clientFor(alice).deposit(relay, bob, id(2), env('b'))
    await expect(clientFor(alice).deposit(relay, bob, id(3), env('c'))).rejects.toMatchObject({ code: 'MAILBOX_FULL' })
    await expect(clientFor(alice).deposit(relay, carol, id(4), env('d'))).rejects.toMatchObject({
      code: 'RATE_LIMITED'
    })
    expect((await clientFor(bob).fetch(relay)).mail).toHaveLength(2)
  })

  it('answers garbage and oversized frames with BAD_REQUEST or TOO_LARGE and keeps serving', async () => {
    const { relay, clientFor, rawStream } = await setup()
    const [alice, bob] = await Promise.all([newPeer(), newPeer()])
    for (const frame of [Uint8Array.of(0xff, 0xff, 0xff), new Uint8Array(MAX_REQUEST_BYTES + 1)]) {
      const lp = lpStream(await rawStream(alice), { maxDataLength: 1 << 20 })
      await lp.write(frame)
      const answer = decodeResponse(await lp.read())
      expect(answer.ok).toBe(false)
      expect(answer.ok ? '' : answer.code).toMatch(/^(BAD_REQUEST|TOO_LARGE)$/)
    }
    await clientFor(alice).deposit(relay, bob, id(9), env('still works'))
    expect((await clientFor(bob).fetch(relay)).mail).toHaveLength(1)
  })

  it('answers OK only once the mail is durable, and stores nothing when persisting fails', async () => {
    const written: StoredMail[] = []
    let fail = false
    const persistence: MailPersistence = {
      put: async (m) => {
        if (fail) throw new Error('disk full')
        written.push(m)
      },
      delete: async () => {}
    }
    const { relay, clientFor } = await setup(MAILBOX_DEFAULTS, persistence)
    const [alice, bob] = await Promise.all([newPeer(), newPeer()])
    await clientFor(alice).deposit(relay, bob, id(1), env('kept'))
    expect(written).toHaveLength(1)
    fail = true
    await expect(clientFor(alice).deposit(relay, bob, id(2), env('lost?'))).rejects.toBeInstanceOf(MailboxRefusedError)
    expect((await clientFor(bob).fetch(relay)).mail.map((m) => m.id[0])).toEqual([1])
  })
})

/**
 * Catch-up of queued DMs from a relay mailbox: `count` sealed DMs deposited for bob, then bob fetches, opens (each
 * with a session write to disk, as a client does), and deletes them. The mailbox runs in this process over
 * in-memory streams, so the figure is the protocol and crypto cost without the network.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { EndToEnd } from '../node/sessions/end-to-end.ts'
import { FileSessionVault, vaultKey } from '../node/sessions/vault.ts'
import { decodeContent, encodeContent } from '../protocols/dm/codec.ts'
import { MAILBOX_DEFAULTS, MailboxClient, MailboxServer } from '../protocols/mailbox/index.ts'
import { bundleFrom, identityFromSeed } from '../protocols/session/index.ts'
import { now } from './stats.ts'

async function person(dir: string) {
  const key = await generateKeyPair('Ed25519')
  const seed = new Uint8Array(key.raw.subarray(0, 32))
  const e2e = await EndToEnd.open(identityFromSeed(seed), new FileSessionVault(dir, vaultKey(seed)))
  return { peer: peerIdFromPrivateKey(key), e2e }
}

/** Milliseconds for bob to fetch, open and delete `count` queued DMs. */
export async function catchUpMs(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-catch-up-'))
  try {
    const [alice, bob] = await Promise.all([person(join(dir, 'alice')), person(join(dir, 'bob'))])
    const relayKey = await generateKeyPair('Ed25519')
    const relay = peerIdFromPrivateKey(relayKey)
    const registrar = { handle: async () => {}, unhandle: async () => {} }
    const settings = { ...MAILBOX_DEFAULTS, senderBurst: count * 2, ipBurst: count * 2 }
    const server = new MailboxServer({ registrar, logger: defaultLogger() }, { settings })
    const clientOf = (me: typeof alice.peer) =>
      new MailboxClient({
        connectionManager: {
          openStream: async () => {
            const [outbound, inbound] = await streamPair()
            void server.handleStream(inbound, { remotePeer: me, remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1') })
            return outbound
          }
        }
      })
    const bundle = bundleFrom(bob.e2e.published())
    const asAlice = clientOf(alice.peer)
    for (let i = 0; i < count; i++) {
      const content = encodeContent({
        kind: 'message',
        dm: { id: `dm-${i}`, ts: Date.now(), senderName: 'alice', text: `queued message ${i}` }
      })
      const sealed = await alice.e2e.encrypt(bob.peer.publicKey.raw, content, bundle)
      const id = crypto.getRandomValues(new Uint8Array(16))
      await asAlice.deposit(relay, bob.peer, id, new Uint8Array(sealed))
    }
    const asBob = clientOf(bob.peer)
    const start = now()
    let opened = 0
    for (;;) {
      const { mail, remaining } = await asBob.fetch(relay)
      for (const m of mail) {
        decodeContent((await bob.e2e.decrypt(m.envelope)).plaintext)
        opened++
      }
      await asBob.delete(
        relay,
        mail.map((m) => m.id)
      )
      if (remaining === 0 || mail.length === 0) break
    }
    const ms = now() - start
    if (opened !== count) throw new Error(`opened ${opened} of ${count} queued DMs`)
    return ms
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

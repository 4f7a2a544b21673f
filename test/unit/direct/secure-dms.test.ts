import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { SeenIds } from '../../../node/direct/dm-store.ts'
import { SecureDms } from '../../../node/direct/secure-dms.ts'
import { endedDm, errorCode } from '../../../node/errors.ts'
import type { ChatErrorInfo, ChatMessage } from '../../../node/events.ts'
import { EndToEnd } from '../../../node/sessions/end-to-end.ts'
import { MemorySessionVault, type SessionVault } from '../../../node/sessions/vault.ts'
import type { DirectMessages } from '../../../protocols/dm/index.ts'
import { encodeContent } from '../../../protocols/dm/index.ts'
import type { PrekeyService as Prekeys } from '../../../protocols/prekeys/index.ts'
import { bundleFrom, identityFromSeed } from '../../../protocols/session/index.ts'

interface Parts {
  dms?: DirectMessages
  prekeys?: Prekeys
  queued?: Uint8Array[]
}

async function person(
  name: string,
  vault: SessionVault = new MemorySessionVault(),
  blocked = new Set<string>(),
  parts: Parts = {}
) {
  const key = await generateKeyPair('Ed25519')
  const peer: PeerId = peerIdFromPrivateKey(key)
  const e2e = await EndToEnd.open(identityFromSeed(new Uint8Array(key.raw.subarray(0, 32))), vault)
  const shown: ChatMessage[] = []
  const errors: ChatErrorInfo[] = []
  const receipts: string[][] = []
  const seen = new SeenIds()
  const user = { peerId: peer.toString(), name, displayName: name }
  const dms = new SecureDms({
    e2e,
    dms: parts.dms ?? ({} as DirectMessages),
    prekeys: parts.prekeys ?? ({} as Prekeys),
    courier: {
      queue: async (entry) => {
        parts.queued?.push(entry.sealed)
      },
      bundleOf: async () => undefined,
      receipt: async (_from, ids) => {
        receipts.push(ids)
      },
      firstSight: (from, id) => seen.add(`${from}/${id}`),
      hasSeen: (from, id) => seen.has(`${from}/${id}`)
    },
    name,
    self: () => user,
    userOf: (peerId, n) => ({ peerId, name: n, displayName: n }),
    isBlocked: (peerId) => blocked.has(peerId),
    emit: (type, detail) => {
      if (type === 'message') shown.push(detail as ChatMessage)
      if (type === 'error') errors.push(detail as ChatErrorInfo)
    },
    remember: async () => {},
    log: defaultLogger().forComponent('test')
  })
  return { name, peer, e2e, dms, shown, errors, receipts }
}

type Person = Awaited<ReturnType<typeof person>>

const dmFrom = (p: Person, id: string, text: string) =>
  encodeContent({ kind: 'message', dm: { id, ts: Date.now(), senderName: p.name, text } })

describe('SecureDms receiving', () => {
  it('shows a sealed DM once, answers a repeat with ok, and garbage or mail for someone else with undecryptable', async () => {
    const [alice, bob, carol] = await Promise.all([person('alice'), person('bob'), person('carol')])
    const sealed = await alice.e2e.encrypt(
      bob.peer.publicKey.raw,
      dmFrom(alice, 'dm1', 'hello'),
      bundleFrom(bob.e2e.published())
    )
    expect(await bob.dms.openDirect(alice.peer, 'dm1', sealed)).toEqual({ status: 'ok', reason: '' })
    expect(await bob.dms.openDirect(alice.peer, 'dm1', sealed)).toEqual({ status: 'ok', reason: '' })
    expect(bob.shown.map((m) => m.text)).toEqual(['hello'])

    expect((await bob.dms.openDirect(alice.peer, 'x', new Uint8Array(200))).status).toBe('undecryptable')
    expect((await carol.dms.openDirect(alice.peer, 'dm1', sealed)).status).toBe('undecryptable')
    expect(carol.errors.map((e) => e.code)).toEqual(['DECRYPT_FAILED'])
    expect(carol.shown).toEqual([])
  })

  it('a DM whose session was stored but that was never shown (the peer stopped in between) is refused, not acknowledged', async () => {
    const [alice, bob] = await Promise.all([person('alice'), person('bob')])
    const sealed = await alice.e2e.encrypt(
      bob.peer.publicKey.raw,
      dmFrom(alice, 'dm1', 'lost in a crash'),
      bundleFrom(bob.e2e.published())
    )
    // what a crash right after the session write leaves: the message key used up, nothing shown
    await bob.e2e.decrypt(sealed)
    // before: `ok`, so the sender showed `delivered` for a DM nobody saw
    expect(await bob.dms.openDirect(alice.peer, 'dm1', sealed)).toMatchObject({ status: 'refused' })
    expect(bob.shown).toEqual([])
  })

  it('refuses a DM a peer passes on in another’s name', async () => {
    const [alice, bob, mallory] = await Promise.all([person('alice'), person('bob'), person('mallory')])
    const sealed = await alice.e2e.encrypt(
      bob.peer.publicKey.raw,
      dmFrom(alice, 'dm1', 'from alice'),
      bundleFrom(bob.e2e.published())
    )
    expect((await bob.dms.openDirect(mallory.peer, 'dm1', sealed)).status).toBe('invalid')
  })

  it('mail: returns the DM ids to acknowledge, applies receipts, and never throws on garbage', async () => {
    const [alice, bob] = await Promise.all([person('alice'), person('bob')])
    const sealed = await alice.e2e.encrypt(
      bob.peer.publicKey.raw,
      dmFrom(alice, 'dm7', 'by mail'),
      bundleFrom(bob.e2e.published())
    )
    expect(await bob.dms.openMail(sealed)).toEqual({ sender: alice.peer.toString(), ack: ['dm7'] })
    const receipt = await bob.e2e.encrypt(
      alice.peer.publicKey.raw,
      encodeContent({ kind: 'receipt', id: 'r1', delivered: ['dm7'] })
    )
    expect(await alice.dms.openMail(receipt)).toEqual({ sender: bob.peer.toString(), ack: [] })
    expect(alice.receipts).toEqual([['dm7']])
    expect(await bob.dms.openMail(crypto.getRandomValues(new Uint8Array(300)))).toBeUndefined()
    expect(await bob.dms.openMail(new Uint8Array(0))).toBeUndefined()
  })
})

describe('SecureDms sending', () => {
  it('a first DM whose prekeys did not come in time is sealed on a second try and waits in the outbox', async () => {
    const bob = await person('bob')
    let fetches = 0
    const prekeys = Object.assign({} as Prekeys, {
      fetchBundle: async () => {
        if (fetches++ === 0) throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
        return bundleFrom(bob.e2e.published())
      }
    })
    const dms = Object.assign({} as DirectMessages, {
      sendSealed: async () => {
        throw new Error('unreachable')
      }
    })
    const queued: Uint8Array[] = []
    const alice = await person('alice', new MemorySessionVault(), new Set(), {
      prekeys,
      dms,
      queued
    })
    const bobUser = { peerId: bob.peer.toString(), name: 'bob', displayName: 'bob' }
    const outcome = await alice.dms.send(bobUser, 'hello', true)
    expect(outcome.delivered).toBe(false)
    expect(fetches).toBe(2)
    expect(queued).toHaveLength(1)
    expect(alice.errors.map((e) => [e.code, e.id])).toEqual([['DELIVERY_FAILED', outcome.id]])
    expect(await bob.dms.openMail(queued[0])).toEqual({ sender: alice.peer.toString(), ack: [outcome.id] })
  })

  it('a DM whose prekeys never come fails with NO_PREKEYS naming it, after its `sent`, and is not queued', async () => {
    const bob = await person('bob')
    const prekeys = Object.assign({} as Prekeys, {
      fetchBundle: async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
      }
    })
    const queued: Uint8Array[] = []
    const alice = await person('alice', new MemorySessionVault(), new Set(), { prekeys, queued })
    const bobUser = { peerId: bob.peer.toString(), name: 'bob', displayName: 'bob' }
    const err = await alice.dms.send(bobUser, 'hello', true).catch((e: unknown) => e)
    expect(errorCode(err)).toBe('NO_PREKEYS')
    expect(endedDm(err)).toMatch(/^[0-9a-f-]{36}$/)
    expect(queued).toEqual([])
    expect(alice.errors).toEqual([])
  })
})

describe('SecureDms and blocking', () => {
  it('a blocked peer’s mail is neither shown nor acknowledged', async () => {
    const alice = await person('alice')
    const blocked = new Set<string>([alice.peer.toString()])
    const bob = await person('bob', new MemorySessionVault(), blocked)
    const sealed = await alice.e2e.encrypt(
      bob.peer.publicKey.raw,
      dmFrom(alice, 'dm9', 'let me in'),
      bundleFrom(bob.e2e.published())
    )
    expect(await bob.dms.openMail(sealed)).toEqual({ sender: alice.peer.toString(), ack: [] })
    expect(bob.shown).toEqual([])
  })
})

describe('EndToEnd group commit', () => {
  it('concurrent encryptions to one peer share one write, and each result is stored before it is returned', async () => {
    let writes = 0
    const inner = new MemorySessionVault()
    const counting: SessionVault = {
      read: (n) => inner.read(n),
      list: () => inner.list(),
      remove: (n) => inner.remove(n),
      write: async (n, b) => {
        writes++
        await new Promise((r) => setTimeout(r, 5))
        await inner.write(n, b)
      }
    }
    const [alice, bob] = await Promise.all([person('alice', counting), person('bob')])
    await alice.e2e.encrypt(bob.peer.publicKey.raw, new Uint8Array([1]), bundleFrom(bob.e2e.published()))
    writes = 0
    const sealed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => alice.e2e.encrypt(bob.peer.publicKey.raw, new Uint8Array([i])))
    )
    expect(writes).toBeLessThanOrEqual(2)
    const opened = []
    for (const s of sealed) opened.push((await bob.e2e.decrypt(s)).plaintext[0])
    expect(opened.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })
})

import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ADMIN_PROTOCOL,
  ADMIN_TIMEOUT_MS,
  decodeReply,
  MAX_INBOUND_STREAMS,
  REFUSAL_REPORT_BUDGET,
  signRequest
} from '../../protocols/admin/index.ts'
import { BIN, cleanup, initRelay, killRelays, newIdentity, startRelay } from './harness.ts'

const nodes: Libp2p[] = []
const children: ChildProcess[] = []

afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()))
  for (const child of children.splice(0)) {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGKILL')
    }
  }
  await killRelays()
  // the relays' and admins' temp data directories (killRelays only ends the processes)
  await cleanup()
})

/** A bare libp2p node with its own key: a peer that is no admin of the relay. */
async function stranger(): Promise<{ node: Libp2p; key: PrivateKey }> {
  const key = await generateKeyPair('Ed25519')
  const node = await createLibp2p({
    privateKey: key,
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  nodes.push(node)
  return { node, key }
}

/** Sends one signed request on a fresh admin stream; the relay's answer code, or the stream error's name. */
async function ask(node: Libp2p, key: PrivateKey, relay: { peerId: string; addr: string }, command: string) {
  const stream = await node.dialProtocol(multiaddr(relay.addr), ADMIN_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  const lp = lpStream(stream, { maxDataLength: 64 * 1024 })
  try {
    await lp.write(await signRequest(key, { relay: relay.peerId, command, args: [] }))
    const reply = decodeReply(await lp.read({ signal: AbortSignal.timeout(10_000) }))
    await stream.close()
    return reply.ok ? 'ok' : reply.code
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    return err instanceof Error ? err.name : String(err)
  }
}

/** How a stream we hold open ends from the relay's side: 'reset', or 'end' when it only closed its half. */
async function endOf(stream: Stream): Promise<'reset' | 'end'> {
  try {
    for await (const _ of stream) {
      // the relay's refusal, if any, is not what this is about
    }
    return 'end'
  } catch {
    return 'reset'
  }
}

describe('hostile peers on the relay admin protocol', () => {
  it(
    `idle admin streams are reset at the timeout, so their ${MAX_INBOUND_STREAMS} slots free up`,
    async () => {
      const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
      const relay = await startRelay({ dataDir })
      const target = { peerId: relay.peerId, addr: relay.addrOn() }
      const { node, key } = await stranger()
      // our side stays open throughout: we never write, never close
      const held = await Promise.all(
        Array.from({ length: MAX_INBOUND_STREAMS }, () =>
          node.dialProtocol(multiaddr(target.addr), ADMIN_PROTOCOL, {
            signal: AbortSignal.timeout(10_000),
            maxOutboundStreams: 16
          })
        )
      )
      const ends = await Promise.all(held.map(endOf))
      // the slots are free again: a fifth request is answered (a refusal, since we are no admin)
      expect(await ask(node, key, target, 'users')).toBe('NOT_ADMIN')
      expect(ends).toEqual(held.map(() => 'reset'))
    },
    3 * ADMIN_TIMEOUT_MS + 30_000
  )

  it('refused requests print sanitized on the operator console, the first few per peer, then one count', async () => {
    const { dataDir } = await initRelay({ admins: [(await newIdentity()).peerId], listen: ['/ip4/127.0.0.1/tcp/0'] })
    // the text console, as an operator sees it (the harness's relay speaks JSON)
    const child = spawn(process.execPath, [BIN, 'relay', 'start', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBUG: '' }
    })
    children.push(child)
    const lines: string[] = []
    const exited = new Promise((resolve) => child.once('exit', resolve))
    createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line))
    const deadline = Date.now() + 30_000
    while (!lines.some((l) => l.startsWith('clients connect with'))) {
      expect(Date.now() < deadline, `relay did not start: ${lines.join('\n')}`).toBe(true)
      await new Promise((r) => setTimeout(r, 50))
    }
    const peerId = /\((12D3\w+)\)/.exec(lines[0])?.[1] ?? ''
    const addr = lines.find((l) => l.trim().startsWith('/ip4/127.0.0.1/tcp/'))?.trim() ?? ''
    const target = { peerId, addr: addr.includes('/p2p/') ? addr : `${addr}/p2p/${peerId}` }

    const { node, key } = await stranger()
    const flood = 6 * REFUSAL_REPORT_BUDGET.perSource
    // an OSC title change and a screen clear in the command name
    const hostile = 'users\u001b]0;pwned\u0007\u001b[2J'
    for (let i = 0; i < flood; i++) {
      expect(await ask(node, key, target, hostile)).toBe('NOT_ADMIN')
    }
    child.kill('SIGTERM')
    await exited
    const output = lines.join('\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    const refusals = lines.filter((l) => l.startsWith('admin ') && l.includes('REFUSED NOT_ADMIN'))
    expect(refusals).toHaveLength(REFUSAL_REPORT_BUDGET.perSource)
    expect(refusals[0]).toContain('users\uFFFD]0;pwned\uFFFD\uFFFD[2J')
    const suppressed = flood - REFUSAL_REPORT_BUDGET.perSource
    expect(output).toContain(`admin: ${suppressed} more refused requests from 1 peer were not shown`)
  }, 120_000)
})

/**
 * Group benchmark: message latency (p50/p99) and throughput in private (sealed) and public groups of 10 and 30
 * members, the cost of a key rotation with 30 members, and the lobby's latency as a baseline from the same run.
 * In-process peers on loopback: `npm run bench:groups` (`-- --quick` for a smaller run).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { ChatNode } from '../node/chat-node.ts'
import type { ChatMessage } from '../node/events.ts'
import { MAX_MEMBERS } from '../protocols/group/constants.ts'
import { randomKey, unwrapIdentity, unwrapKey, wrapKey } from '../protocols/group/crypto.ts'
import { UNLIMITED_LOBBY } from './peers.ts'

const quick = process.argv.includes('--quick')
const SIZES = quick ? [5, 10] : [10, 30]
const LATENCY_MESSAGES = quick ? 30 : 100
const LATENCY_GAP_MS = 20
const THROUGHPUT_MESSAGES = quick ? 100 : 300
const REKEYS = quick ? 3 : 5
const DELIVERY_TIMEOUT_MS = 60_000

const dirs: string[] = []

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const ms = (n: number): string => (Number.isNaN(n) ? 'n/a' : `${n.toFixed(1)} ms`)

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** `n` peers on loopback, each bootstrapped to the first and to one other, all seeing each other. */
async function cluster(n: number): Promise<ChatNode[]> {
  const nodes: ChatNode[] = []
  for (let i = 0; i < n; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-'))
    dirs.push(dataDir)
    const bootstrap = i === 0 ? [] : [nodes[0].addrs[0], nodes[Math.floor(Math.random() * i)].addrs[0]]
    const node = await ChatNode.create({
      name: `peer${i}`,
      dataDir,
      mdns: false,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [...new Set(bootstrap)],
      // thirty peers share two cores here: rare heartbeats keep presence from drowning what is measured
      presence: { heartbeatIntervalMs: 60_000, ttlMs: 600_000 },
      lobby: UNLIMITED_LOBBY
    })
    await node.start()
    nodes.push(node)
  }
  await until('everyone to see everyone', () => nodes.every((node) => node.users().length === n), 120_000).catch(
    (err) => {
      process.stderr.write(`users seen per peer: ${nodes.map((node) => node.users().length).join(' ')}\n`)
      process.stderr.write(
        `connections per peer: ${nodes.map((node) => node.libp2p.getConnections().length).join(' ')}\n`
      )
      throw err
    }
  )
  return nodes
}

/** A group of the first `size` peers, created by peer0, everyone brought in by invitation. */
async function group(nodes: ChatNode[], size: number, isPrivate: boolean): Promise<string> {
  const owner = nodes[0]
  const { id } = await owner.groups.create(`${isPrivate ? 'private' : 'public'}-${size}`, { private: isPrivate })
  for (const member of nodes.slice(1, size)) {
    const invited = new Promise<string>((resolve) =>
      member.addEventListener('invite', (evt) => resolve(evt.detail.id), { once: true })
    )
    await owner.groups.invite(id, member.peerId.toString())
    await member.groups.accept(await invited)
    // one invitation after the other, as an admin would: the next builds on the join of the previous
    await until('the join to reach the owner', () =>
      owner.libp2p.services.groups.group(id)!.state.members.has(member.peerId.toString())
    )
  }
  const members = nodes.slice(0, size)
  await until(`${size} members everywhere`, () =>
    members.every((m) => m.libp2p.services.groups.group(id)?.state.members.size === size)
  ).catch((err) => {
    const counts = members.map((m) => `${m.name}:${m.libp2p.services.groups.group(id)?.state.members.size ?? 0}`)
    process.stderr.write(`members seen per peer: ${counts.join(' ')}\n`)
    throw err
  })
  return id
}

/** Collects arrival times of messages by text on every node. */
function arrivals(nodes: ChatNode[]): { at: Map<string, number[]>; stop: () => void } {
  const at = new Map<string, number[]>()
  const listeners = nodes.map((node) => {
    const fn = (evt: CustomEvent<ChatMessage>): void => {
      const list = at.get(evt.detail.text) ?? []
      list.push(performance.now())
      at.set(evt.detail.text, list)
    }
    node.addEventListener('message', fn)
    return () => node.removeEventListener('message', fn)
  })
  return {
    at,
    stop: () => {
      for (const off of listeners) {
        off()
      }
    }
  }
}

interface Latency {
  p50: number
  p99: number
  delivered: number
  expected: number
}

/** Sends `count` messages from rotating senders, a few ms apart; latency of every delivery. */
async function latency(
  members: ChatNode[],
  send: (from: ChatNode, text: string) => Promise<unknown>,
  tag: string
): Promise<Latency> {
  const { at, stop } = arrivals(members)
  const sentAt = new Map<string, number>()
  for (let i = 0; i < LATENCY_MESSAGES; i++) {
    const text = `${tag}-${i}`
    sentAt.set(text, performance.now())
    await send(members[i % members.length], text)
    await new Promise((r) => setTimeout(r, LATENCY_GAP_MS))
  }
  const expected = LATENCY_MESSAGES * (members.length - 1)
  const count = (): number => [...at.values()].reduce((sum, l) => sum + l.length, 0)
  await until(`${tag} deliveries`, () => count() >= expected, DELIVERY_TIMEOUT_MS).catch(() => {})
  stop()
  const samples = [...sentAt].flatMap(([text, t0]) => (at.get(text) ?? []).map((t) => t - t0)).sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), delivered: samples.length, expected }
}

/** One sender sends `count` messages back to back; messages delivered per second, across all receivers. */
async function throughput(
  members: ChatNode[],
  groupId: string,
  tag: string
): Promise<{ perSecond: number; delivered: number; expected: number }> {
  const { at, stop } = arrivals(members.slice(1))
  const t0 = performance.now()
  for (let i = 0; i < THROUGHPUT_MESSAGES; i++) {
    await members[0].groups.send(groupId, `${tag}-${i}`)
  }
  const expected = THROUGHPUT_MESSAGES * (members.length - 1)
  const count = (): number => [...at.values()].reduce((sum, l) => sum + l.length, 0)
  await until(`${tag} deliveries`, () => count() >= expected, DELIVERY_TIMEOUT_MS).catch(() => {})
  const last = Math.max(...[...at.values()].flat())
  stop()
  const delivered = count()
  return { perSecond: (delivered / (last - t0)) * 1000, delivered, expected }
}

/** Rotates the key of a private group `times` times; time to sign it, and until every member holds the new key. */
async function rekeys(
  members: ChatNode[],
  groupId: string
): Promise<{ sign: number[]; everywhere: number[]; bytes: number }> {
  const sign: number[] = []
  const everywhere: number[] = []
  let bytes = 0
  for (let i = 0; i < REKEYS; i++) {
    const epoch = members[0].libp2p.services.groups.group(groupId)!.state.epoch + 1
    const t0 = performance.now()
    await members[0].groups.rekey(groupId)
    sign.push(performance.now() - t0)
    await until('the new key everywhere', () =>
      members.every((m) => m.libp2p.services.groups.group(groupId)?.state.epoch === epoch)
    )
    everywhere.push(performance.now() - t0)
    bytes = members[0].libp2p.services.groups.group(groupId)!.log.head.bytes.byteLength
  }
  return { sign, everywhere, bytes }
}

/** Sealing a key for `n` members, and opening one's own, without the network. */
async function wrapCost(n: number): Promise<{ wrap: number; unwrap: number }> {
  const keys = await Promise.all(Array.from({ length: n }, () => generateKeyPair('Ed25519')))
  const ctx = { groupId: 'a'.repeat(26), seq: 1, keyId: new Uint8Array(0) }
  const rounds = 20
  let t0 = performance.now()
  let sealed = wrapKey(
    randomKey(),
    keys.map((k) => k.publicKey.raw),
    ctx
  )
  for (let i = 1; i < rounds; i++) {
    sealed = wrapKey(
      randomKey(),
      keys.map((k) => k.publicKey.raw),
      ctx
    )
  }
  const wrap = (performance.now() - t0) / rounds
  const me = unwrapIdentity(keys[n - 1])
  t0 = performance.now()
  for (let i = 0; i < rounds; i++) {
    unwrapKey(me, sealed.ephemeral, sealed.wrapped, ctx)
  }
  return { wrap, unwrap: (performance.now() - t0) / rounds }
}

async function main(): Promise<void> {
  const size = Math.max(...SIZES)
  const started = performance.now()
  process.stdout.write(`starting ${size} peers on loopback...\n`)
  const nodes = await cluster(size)
  process.stdout.write(`  ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`)
  const rows: string[] = []
  const results: Record<string, unknown> = {}

  const lobby = await latency(nodes, (from, text) => from.broadcast(text), 'lobby')
  rows.push(
    `lobby (baseline)   ${String(size).padStart(3)}  ${ms(lobby.p50).padStart(10)} ${ms(lobby.p99).padStart(10)}  ${'-'.padStart(12)}  ${lobby.delivered}/${lobby.expected}`
  )
  results.lobby = lobby

  for (const n of SIZES) {
    for (const isPrivate of [true, false]) {
      const label = `${isPrivate ? 'private' : 'public'} group`
      const members = nodes.slice(0, n)
      const id = await group(nodes, n, isPrivate)
      const lat = await latency(members, (from, text) => from.groups.send(id, text), `${label}-${n}`)
      const thr = await throughput(members, id, `${label}-${n}-t`)
      rows.push(
        `${label.padEnd(18)} ${String(n).padStart(3)}  ${ms(lat.p50).padStart(10)} ${ms(lat.p99).padStart(10)}  ${`${thr.perSecond.toFixed(0)}/s`.padStart(12)}  ${lat.delivered}/${lat.expected}, ${thr.delivered}/${thr.expected}`
      )
      results[`${isPrivate ? 'private' : 'public'}-${n}`] = { latency: lat, throughput: thr }
    }
  }

  const privateId = nodes[0].libp2p.services.groups
    .groups()
    .find((r) => r.state.private && r.state.members.size === size)!.id
  const rk = await rekeys(nodes, privateId)
  const sortedSign = [...rk.sign].sort((a, b) => a - b)
  const sortedAll = [...rk.everywhere].sort((a, b) => a - b)
  results.rekey = { members: size, ...rk }
  const wrap30 = await wrapCost(size)
  const wrapMax = await wrapCost(MAX_MEMBERS)
  results.wrap = { [size]: wrap30, [MAX_MEMBERS]: wrapMax }

  process.stdout.write(
    'messages           members     p50        p99     throughput  delivered (latency, throughput)\n'
  )
  process.stdout.write(`${rows.join('\n')}\n\n`)
  process.stdout.write(
    `rekey, ${size} members: sign+publish p50 ${ms(percentile(sortedSign, 50))}, new key at every member p50 ${ms(percentile(sortedAll, 50))} (max ${ms(sortedAll.at(-1) ?? Number.NaN)}), entry ${rk.bytes} bytes, ${REKEYS} runs\n`
  )
  process.stdout.write(
    `sealing a key: ${size} members ${ms(wrap30.wrap)}, ${MAX_MEMBERS} members ${ms(wrapMax.wrap)}; opening one's own ${ms(wrapMax.unwrap)}\n`
  )
  process.stdout.write(`\n${JSON.stringify(results)}\n`)

  await Promise.allSettled(nodes.map((n) => n.stop()))
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
    process.exitCode = 1
  })
  .finally(() => {
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true })
    }
    setTimeout(() => process.exit(), 2000).unref()
  })

import type { Fleet } from './harness/chaos.ts'
import { saveFailedLogs, sendAndWait, sendDm } from './harness/chaos.ts'
import { clearFaults } from './harness/faults.ts'
import type { CheckInit } from './harness/guarantees.ts'
import { cleanup, createLan, destroyAllNetns, killRelays, type Lan, type PeerProcess, spawnPeer } from './harness.ts'

/**
 * After each scenario in namespaces: lift every fault first (a frozen process must be continued before it can be
 * killed cleanly), then end the relays and peers, then remove the namespaces. Each step touches only what this
 * test process made, so a scenario without relays loses nothing by the call. A failed scenario's logs are kept first
 * when P2PCHAT_CHAOS_LOGS says where.
 */
export async function undoScenario(context?: { task: { name: string; result?: { state?: string } } }): Promise<void> {
  if (context != null) {
    const saved = saveFailedLogs(context.task.name, context.task.result?.state === 'fail')
    if (saved != null) {
      console.log(`logs of the failed scenario: ${saved}`)
    }
  }
  await clearFaults()
  await killRelays()
  await cleanup()
  await destroyAllNetns()
}

/** The names of a scenario's peers: alice, bob, carol, ... then peer7, peer8, ... */
export function names(count: number): string[] {
  const base = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
  return Array.from({ length: count }, (_, i) => base[i] ?? `peer${i + 1}`)
}

/** `count` peers on a private LAN of namespaces, each dialing the first, all seeing each other; tracked in `fleet`. */
export async function lanPeers(fleet: Fleet, count: number): Promise<{ lan: Lan; peers: PeerProcess[] }> {
  const lan = await createLan(count)
  const who = names(count)
  const spawn = (i: number, bootstrap: string[]): Promise<PeerProcess> =>
    spawnPeer({
      name: who[i],
      netns: lan.hosts[i].ns,
      network: ['--no-mdns', '--listen', `/ip4/${lan.hosts[i].ip}/tcp/0`],
      bootstrap
    })
  const first = await spawn(0, [])
  const rest = await Promise.all(who.slice(1).map((_, i) => spawn(i + 1, [first.addrs[0]])))
  const peers = [first, ...rest]
  for (const p of peers) {
    fleet.track(p.name, p, p.peerId)
  }
  await Promise.all(peers.map((p) => p.waitForUsers((users) => users.length === count, 60_000)))
  return { lan, peers }
}

/** A private group created by `owner` with every one of `members` invited and joined; resolves with its id. */
export async function privateGroup(owner: PeerProcess, name: string, members: PeerProcess[]): Promise<string> {
  owner.send(`/group create ${name} --private`)
  const { group } = await owner.waitFor('group-joined', (e) => e.group.name === name)
  for (const m of members) {
    owner.send(`/invite ${name} ${m.name}`)
    const invite = await m.waitFor('invite', (i) => i.group.id === group.id)
    const from = m.events.length
    m.send(`/accept ${invite.id}`)
    await m.waitFor('group-joined', (e) => e.group.id === group.id, { from })
    await owner.waitFor('member-added', (e) => e.member.peerId === m.peerId && e.group.id === group.id)
  }
  return group.id
}

/**
 * One round of mixed traffic: every peer says a lobby line and DMs the next peer, and the group owner posts.
 * Sends one after the other and waits for each `sent`, so each sender's order is defined; DM outcomes
 * (delivered, or an error, also one that refused the DM before it left) are left to the checker. Texts are unique: `<tag> r<round> <sender>`.
 */
export async function trafficRound(
  peers: PeerProcess[],
  round: number,
  tag: string,
  group?: { name: string; poster: PeerProcess }
): Promise<void> {
  for (const [i, p] of peers.entries()) {
    const lobby = `${tag} r${round} lobby ${p.name}`
    await sendAndWait(p, lobby, lobby)
    const next = peers[(i + 1) % peers.length]
    await sendDm(p, next.name, `${tag} r${round} dm ${p.name}`)
  }
  if (group != null) {
    const post = `${tag} r${round} group ${group.poster.name}`
    await sendAndWait(group.poster, `/g ${group.name} ${post}`, post)
  }
}

const MB = 1024 * 1024

/**
 * Checker settings of a group scenario: offline delivery on, `members` are the group's audience and must agree on its
 * state, and each process may grow to what a member that was killed and restarted needs.
 */
export function groupScenarioCheck(groupId: string, members: PeerProcess[]): Omit<CheckInit, 'peers'> {
  const memberNames = members.map((p) => p.name)
  return {
    offlineDelivery: true,
    audience: { lobby: [], groups: { [groupId]: memberNames } },
    converged: { [groupId]: memberNames },
    limits: { maxRssBytes: 400 * MB, maxFdGrowth: 50, maxRssGrowthBytes: 200 * MB }
  }
}

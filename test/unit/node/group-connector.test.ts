import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type ConnectorLibp2p, MAX_DIAL_RETRIES, MemberConnector } from '../../../node/groups/connector.ts'
import type { GroupService } from '../../../protocols/group/index.ts'

async function peerId() {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** A connector whose dials fail `failures` times, then succeed; one group with `member` in it. */
async function rig(failures: number, online: () => string[]) {
  const me = await peerId()
  const member = (await peerId()).toString()
  const dials: string[] = []
  let failed = 0
  const libp2p: ConnectorLibp2p = {
    peerId: me,
    getConnections: () => [],
    dial: async (peer) => {
      dials.push(peer.toString())
      if (failed++ < failures) {
        throw new Error('dial failed')
      }
      return undefined as unknown as Awaited<ReturnType<ConnectorLibp2p['dial']>>
    }
  }
  const state = { members: new Set([member]), invited: new Set<string>() }
  const service = { groups: () => [{ state }], group: () => ({ state }) } as unknown as GroupService
  const connector = new MemberConnector(libp2p, service, online, defaultLogger().forComponent('test'))
  return { connector, member, dials }
}

describe('group member connector', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('dials a member again after a failed dial, until it connects', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    let member = ''
    const { connector, dials, ...r } = await rig(2, () => [member])
    member = r.member
    connector.userOnline(member)
    await vi.advanceTimersByTimeAsync(0)
    expect(dials).toEqual([member])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(dials).toEqual([member, member, member])
    connector.stop()
  })

  it('gives up after a few tries, and tries afresh when the member comes online again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    let member = ''
    const { connector, dials, ...r } = await rig(Number.POSITIVE_INFINITY, () => [member])
    member = r.member
    connector.userOnline(member)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(dials).toHaveLength(1 + MAX_DIAL_RETRIES)
    connector.userOnline(member)
    await vi.advanceTimersByTimeAsync(0)
    expect(dials).toHaveLength(2 + MAX_DIAL_RETRIES)
    connector.stop()
  })

  it('does not retry a member who went offline, nor after stop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    let online: string[] = []
    const { connector, dials, member } = await rig(Number.POSITIVE_INFINITY, () => online)
    online = [member]
    connector.userOnline(member)
    await vi.advanceTimersByTimeAsync(0)
    online = []
    await vi.advanceTimersByTimeAsync(60_000)
    expect(dials).toHaveLength(1)
    online = [member]
    connector.userOnline(member)
    await vi.advanceTimersByTimeAsync(0)
    connector.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(dials).toHaveLength(2)
  })
})

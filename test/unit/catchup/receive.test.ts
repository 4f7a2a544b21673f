import { generateKeyPair } from '@libp2p/crypto/keys'
import type { GossipSub } from '@libp2p/gossipsub'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { peerCatchUp, servedWindow } from '../../../node/catchup/policy.ts'
import { DEFAULT_RETENTION, type RetentionSettings } from '../../../node/retention.ts'
import { CATCH_UP_WINDOW_MS } from '../../../protocols/catchup/constants.ts'
import { signGossip, verifyGossip } from '../../../protocols/catchup/envelope.ts'
import { GROUP_ID_LENGTH } from '../../../protocols/group/crypto.ts'
import { groupTopic } from '../../../protocols/group/index.ts'
import { LOBBY_POST_BURST } from '../../../protocols/lobby/constants.ts'
import { encodeLobbyPost, type LobbyComponents, LobbyService } from '../../../protocols/lobby/index.ts'

function lobby(): LobbyService {
  const pubsub = {
    topicValidators: new Map() as GossipSub['topicValidators'],
    addEventListener: () => {},
    removeEventListener: () => {},
    subscribe: () => {},
    unsubscribe: () => {},
    publish: async () => ({ recipients: [] }),
    getSubscribers: () => []
  }
  return new LobbyService({ pubsub: pubsub as LobbyComponents['pubsub'], logger: defaultLogger() })
}

describe('caught-up lobby posts', () => {
  it('obey the rate rule at their own times, and are shown once, marked catchUp', async () => {
    const key = await generateKeyPair('Ed25519')
    const from = peerIdFromPrivateKey(key)
    const service = lobby()
    const shown: Array<{ id: string; catchUp?: true }> = []
    service.addEventListener('post', (evt) => shown.push({ id: evt.detail.post.id, catchUp: evt.detail.catchUp }))
    const start = Date.now() - 60_000
    // a burst past the allowance within one second, then one a second later than the refill needs
    const times = [...Array.from({ length: LOBBY_POST_BURST + 5 }, (_, i) => start + i), start + 30_000]
    const msgs = await Promise.all(
      times.map(async (ts, i) =>
        verifyGossip(
          await signGossip(
            key,
            from,
            '/p2pchat/lobby/1.0.0',
            encodeLobbyPost({ id: `p${i}`, ts, senderName: 'a', text: 'x' })
          )
        )
      )
    )
    const allowance = service.catchUpAllowance()
    const delivered = msgs.map((m) => service.deliverCaughtUp(m, allowance))
    expect(delivered.filter(Boolean)).toHaveLength(LOBBY_POST_BURST + 1)
    expect(delivered.at(-1)).toBe(true)
    // the same posts again (a second answer) are not shown again
    expect(service.deliverCaughtUp(msgs[0], service.catchUpAllowance())).toBe(false)
    expect(shown.every((s) => s.catchUp === true)).toBe(true)
    expect(new Set(shown.map((s) => s.id)).size).toBe(shown.length)
  })
})

describe('a peer serves catch-up', () => {
  const groupId = 'a'.repeat(GROUP_ID_LENGTH)
  const topic = groupTopic(groupId)

  it('within its own retention only, and a group only to its members', async () => {
    const [alice, mallory] = await Promise.all(
      [0, 1].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')))
    )
    let retention: RetentionSettings = DEFAULT_RETENTION
    const members = new Set([alice.toString()])
    const init = peerCatchUp({ retention: () => retention, members: (id) => (id === groupId ? members : undefined) })
    expect(init.policy(mallory, '/p2pchat/lobby/1.0.0')).toEqual({ windowMs: CATCH_UP_WINDOW_MS })
    expect(init.policy(alice, topic)).toEqual({ windowMs: CATCH_UP_WINDOW_MS })
    expect(init.policy(mallory, topic)).toEqual({ refused: 'only members may catch up on a group' })
    expect(init.policy(alice, groupTopic('b'.repeat(GROUP_ID_LENGTH)))).toMatchObject({ refused: expect.any(String) })
    retention = { ...DEFAULT_RETENTION, lobby: { kind: 'none' } }
    expect(init.policy(mallory, '/p2pchat/lobby/1.0.0')).toMatchObject({ refused: expect.any(String) })
    expect(init.keep('/p2pchat/lobby/1.0.0')).toBe(false)
    expect(init.keep(topic)).toBe(true)
    expect(servedWindow({ kind: 'duration', ms: 3_600_000, text: '1h' })).toBe(3_600_000)
    expect(servedWindow({ kind: 'session' })).toBe(CATCH_UP_WINDOW_MS)
  })
})

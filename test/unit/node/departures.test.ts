import type { Connection, PeerId } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { confirmDeparture, DEPARTED_PING_TIMEOUT_MS, type DepartureCheck } from '../../../node/departures.ts'

const alice = peerIdFromString('12D3KooWJqMSEwWFoMyMoceFu2iCGfqXTrFVmCZyZvoRvAcDpsZP')

/** A check over `connections` to alice, whose pings `answer` (or never settle). */
function rig(connections: number, answer: 'yes' | 'no' | 'never' | 'no ping service') {
  const aborted: string[] = []
  const forgotten: string[] = []
  const open = Array.from({ length: connections }, (_, i) => ({
    id: `c${i}`,
    abort: () => aborted.push(`c${i}`)
  })) as unknown as Connection[]
  const check: DepartureCheck = {
    connectionManager: { getConnections: (peer?: PeerId) => (peer?.equals(alice) === true ? open : []) },
    presence: { forget: (id) => forgotten.push(id) },
    log: defaultLogger().forComponent('test:departures'),
    ping:
      answer === 'no ping service'
        ? undefined
        : {
            ping: (_peer, options) =>
              answer === 'yes'
                ? Promise.resolve(1)
                : answer === 'no'
                  ? Promise.reject(new Error('stream reset'))
                  : new Promise((_resolve, reject) =>
                      options?.signal?.addEventListener('abort', () => reject(options.signal?.reason))
                    )
          }
  }
  return { check, aborted, forgotten }
}

describe('confirmDeparture', { timeout: DEPARTED_PING_TIMEOUT_MS + 5_000 }, () => {
  it('forgets a peer we hold no connection to', async () => {
    const { check, forgotten } = rig(0, 'yes')
    await confirmDeparture(alice, Date.now(), check, new AbortController().signal)
    expect(forgotten).toEqual([alice.toString()])
  })

  it('keeps a peer that answers over a connection we still hold (it left only that relay)', async () => {
    const { check, forgotten, aborted } = rig(1, 'yes')
    await confirmDeparture(alice, Date.now(), check, new AbortController().signal)
    expect(forgotten).toEqual([])
    expect(aborted).toEqual([])
  })

  // A closed browser tab left bob's direct WebRTC connection to it looking open: the relay's notice was ignored and
  // bob listed the tab as online for another half minute (the browser test waited 20 s for the leave, in vain).
  it('closes the connections of a peer that does not answer, and forgets it', async () => {
    for (const answer of ['no', 'never'] as const) {
      const { check, forgotten, aborted } = rig(2, answer)
      await confirmDeparture(alice, Date.now(), check, new AbortController().signal)
      expect(aborted).toEqual(['c0', 'c1'])
      expect(forgotten).toEqual([alice.toString()])
    }
  })

  it('without a ping service, trusts the connection; once stopping, does nothing', async () => {
    const noPing = rig(1, 'no ping service')
    await confirmDeparture(alice, Date.now(), noPing.check, new AbortController().signal)
    expect(noPing.forgotten).toEqual([])
    const stopping = rig(1, 'never')
    const controller = new AbortController()
    const checking = confirmDeparture(alice, Date.now(), stopping.check, controller.signal)
    controller.abort()
    await checking
    expect(stopping.forgotten).toEqual([])
    expect(stopping.aborted).toEqual([])
  })
})

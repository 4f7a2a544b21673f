import { describe, expect, it } from 'vitest'
import { OnlineWaiters } from '../../../node/groups/online-waiters.ts'

describe('OnlineWaiters', () => {
  it('resolves true when one of the peers comes online, and ignores others', async () => {
    const waiters = new OnlineWaiters()
    const waiting = waiters.any(new Set(['alice', 'carol']), 5_000)
    waiters.online('mallory')
    waiters.online('carol')
    expect(await waiting).toBe(true)
  })

  it('resolves false when nobody comes in time or the caller gives up', async () => {
    const waiters = new OnlineWaiters()
    expect(await waiters.any(new Set(['alice']), 10)).toBe(false)
    const controller = new AbortController()
    const waiting = waiters.any(new Set(['alice']), 5_000, controller.signal)
    controller.abort()
    expect(await waiting).toBe(false)
    // nothing is left waiting
    waiters.online('alice')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NewcomerAnswers } from '../../../protocols/presence/answers.ts'

/** Answers whose announcements reach the peers `reach()` names at the time, counting them. */
function answers(reach: () => string[]): { a: NewcomerAnswers; count: () => number } {
  let count = 0
  const a: NewcomerAnswers = new NewcomerAnswers(
    async () => {
      count++
      const reached = new Set(reach())
      a.reachedBy(reached)
      return reached
    },
    () => 1,
    () => 0
  )
  a.afterJoin()
  return { a, count: () => count }
}

describe('NewcomerAnswers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('answers nobody before our own join went out (the join reaches them)', async () => {
    let count = 0
    const a = new NewcomerAnswers(
      async () => {
        count++
        return new Set<string>()
      },
      () => 1,
      () => 0
    )
    a.subscribed('relay')
    a.joined('bob')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(count).toBe(0)
    a.afterJoin()
    a.subscribed('carol')
    await vi.advanceTimersByTimeAsync(0)
    expect(count).toBe(1)
  })

  it('answers a subscriber at once, and not again for its join once the answer reached it', async () => {
    const { a, count } = answers(() => ['bob'])
    a.subscribed('bob')
    await vi.advanceTimersByTimeAsync(0)
    expect(count()).toBe(1)
    a.joined('bob')
    await vi.advanceTimersByTimeAsync(1000)
    expect(count()).toBe(1)
  })

  it('answers the join of a subscriber its first answer missed at once, once', async () => {
    let streamOpen = false
    const { a, count } = answers(() => (streamOpen ? ['bob'] : []))
    a.subscribed('bob')
    await vi.advanceTimersByTimeAsync(0)
    expect(count()).toBe(1)
    streamOpen = true
    a.joined('bob')
    await vi.advanceTimersByTimeAsync(0)
    expect(count()).toBe(2)
    a.joined('bob')
    await vi.advanceTimersByTimeAsync(1000)
    expect(count()).toBe(2)
  })

  it('answers a burst of newcomers with one more answer at the end of the window', async () => {
    const { a, count } = answers(() => [])
    for (const peer of ['p1', 'p2', 'p3', 'p4']) {
      a.joined(peer)
    }
    await vi.advanceTimersByTimeAsync(0)
    expect(count()).toBe(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(count()).toBe(2)
  })

  it('answers nothing once stopped', async () => {
    const { a, count } = answers(() => [])
    a.joined('p1')
    a.joined('p2')
    a.stop()
    a.joined('p3')
    await vi.advanceTimersByTimeAsync(1000)
    expect(count()).toBe(1)
  })
})

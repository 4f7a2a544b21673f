import { describe, expect, it } from 'vitest'
import { IntroductionBudget } from '../../../protocols/presence/budget.ts'
import { MAX_REFUSED_PER_WINDOW, REFUSAL_WINDOW_MS } from '../../../protocols/presence/constants.ts'

const mallory = { peerId: 'mallory', ip: '10.6.6.6', trusted: false }

describe('presence introduction budget', () => {
  it('admits a bounded number of new identities per forwarding connection and per IP, any number directly', () => {
    const budget = new IntroductionBudget({ perPeer: 3, perIp: 5 })
    const admitted = Array.from({ length: 100 }, (_, i) => budget.admit(`fake-${i}`, mallory, false))
    expect(admitted.filter(Boolean)).toHaveLength(3)
    // a second PeerId on the same address gets only what is left of the address's budget
    const sybil = { ...mallory, peerId: 'sybil' }
    const more = Array.from({ length: 100 }, (_, i) => budget.admit(`fake2-${i}`, sybil, false))
    expect(more.filter(Boolean)).toHaveLength(2)
    // everyone heard on their own connection is welcome, as are updates of users we know
    expect(budget.admit('carol', { peerId: 'carol', ip: '10.6.6.6', trusted: false }, false)).toBe(true)
    expect(budget.admit('dave', mallory, true)).toBe(true)
    // a relay we use vouches for its clients
    expect(budget.admit('erin', { peerId: 'relay', ip: '10.6.6.6', trusted: true }, false)).toBe(true)
  })

  it('frees a slot when an introduced identity leaves or is heard directly', () => {
    const budget = new IntroductionBudget({ perPeer: 2, perIp: 10 })
    expect(budget.admit('a', mallory, false)).toBe(true)
    expect(budget.admit('b', mallory, false)).toBe(true)
    expect(budget.admit('c', mallory, false)).toBe(false)
    budget.release('a')
    expect(budget.admit('c', mallory, false)).toBe(true)
    expect(budget.admit('b', { peerId: 'b', trusted: false }, false)).toBe(true)
    expect(budget.introducedThrough('mallory')).toBe(1)
    expect(budget.admit('d', mallory, false)).toBe(true)
  })

  it('says when a connection refused so often within one window that it is worth closing', () => {
    const budget = new IntroductionBudget()
    const verdicts = Array.from({ length: MAX_REFUSED_PER_WINDOW + 1 }, () => budget.refused('mallory', 0))
    expect(verdicts.indexOf(true)).toBe(MAX_REFUSED_PER_WINDOW)
    // a new window starts from zero; so does a reconnection
    expect(budget.refused('mallory', REFUSAL_WINDOW_MS)).toBe(false)
    budget.disconnected('mallory')
    expect(budget.refused('mallory', REFUSAL_WINDOW_MS + 1)).toBe(false)
  })
})

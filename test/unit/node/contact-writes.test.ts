import { describe, expect, it } from 'vitest'
import { CONTACT_REFRESH_MS, CONTACT_WRITES_PER_MINUTE, ContactWrites } from '../../../node/contact-writes.ts'

describe('contact writes', () => {
  it('a flood of new identities is written at a bounded rate; an unchanged contact hourly', () => {
    const writes = new ContactWrites()
    const now = 1_000_000_000
    const burst = Array.from({ length: 10_000 }, (_, i) => writes.shouldWrite(`fake-${i}`, 'x', now))
    expect(burst.filter(Boolean)).toHaveLength(CONTACT_WRITES_PER_MINUTE)
    const minuteLater = Array.from({ length: 10_000 }, (_, i) => writes.shouldWrite(`more-${i}`, 'x', now + 60_000))
    expect(minuteLater.filter(Boolean)).toHaveLength(CONTACT_WRITES_PER_MINUTE)
    const later = now + 10 * 60_000
    expect(writes.shouldWrite('alice', 'alice', later)).toBe(true)
    expect(writes.shouldWrite('alice', 'alice', later + 1000)).toBe(false)
    expect(writes.shouldWrite('alice', 'alice2', later + 2000)).toBe(true)
    expect(writes.shouldWrite('alice', 'alice2', later + 2000 + CONTACT_REFRESH_MS)).toBe(true)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MailboxBook, RateLimiter, type StoredMail } from '../../../protocols/mailbox/book.ts'
import { MAILBOX_DEFAULTS, MAX_ENVELOPE_BYTES, type MailboxSettings } from '../../../protocols/mailbox/constants.ts'
import { MailboxRefusedError } from '../../../protocols/mailbox/errors.ts'

const small: MailboxSettings = {
  ...MAILBOX_DEFAULTS,
  ttlMs: 1_000,
  maxMailsPerRecipient: 5,
  maxBytesPerRecipient: 500,
  maxTotalBytes: 1_200,
  maxRecipients: 4
}

let n = 0
function mail(recipient: string, size: number, depositedAt = 0): StoredMail {
  const id = new Uint8Array(16)
  new DataView(id.buffer).setUint32(0, n++)
  return { recipient, id, envelope: new Uint8Array(size), depositedAt }
}

function refusedWith(code: string, run: () => unknown): void {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(MailboxRefusedError)
    expect((err as MailboxRefusedError).code).toBe(code)
    return
  }
  throw new Error(`expected a ${code} refusal`)
}

describe('MailboxBook', () => {
  it('refuses with MAILBOX_FULL (storing nothing) past the per-recipient count, bytes, recipients and total', () => {
    const book = new MailboxBook(small)
    for (let i = 0; i < 5; i++) book.deposit(mail('bob', 10))
    refusedWith('MAILBOX_FULL', () => book.deposit(mail('bob', 10)))
    book.deposit(mail('carol', 400))
    refusedWith('MAILBOX_FULL', () => book.deposit(mail('carol', 101)))
    book.deposit(mail('dave', 400))
    book.deposit(mail('erin', 300))
    refusedWith('MAILBOX_FULL', () => book.deposit(mail('frank', 1)))
    refusedWith('MAILBOX_FULL', () => book.deposit(mail('erin', 60)))
    refusedWith('TOO_LARGE', () => book.deposit(mail('bob', MAX_ENVELOPE_BYTES + 1)))
    expect(book.stats).toEqual({ recipients: 4, mails: 8, bytes: 1_150 })
  })

  it('stores a repeated deposit once, fetches oldest first, and deletes only the recipient’s own mail', () => {
    const book = new MailboxBook(small)
    const first = mail('bob', 10)
    expect(book.deposit(first)).toBe(true)
    expect(book.deposit({ ...first })).toBe(false)
    const second = mail('bob', 10)
    book.deposit(second)
    book.deposit(mail('carol', 10))
    expect(book.fetch('bob', 1, 1_000)).toEqual({ mail: [first], remaining: 1 })
    expect(book.delete('carol', [first.id, second.id])).toEqual([])
    expect(book.delete('bob', [first.id])).toEqual([first])
    expect(book.fetch('bob', 10, 1_000).mail).toEqual([second])
  })

  it('expires mail older than the TTL and frees its quota', () => {
    const book = new MailboxBook(small)
    book.deposit(mail('bob', 100, 0))
    book.deposit(mail('bob', 100, 600))
    expect(book.expire(999)).toHaveLength(0)
    expect(book.expire(1_000)).toHaveLength(1)
    expect(book.stats).toEqual({ recipients: 1, mails: 1, bytes: 100 })
    expect(book.expire(1_600)).toHaveLength(1)
    expect(book.stats).toEqual({ recipients: 0, mails: 0, bytes: 0 })
  })

  it('keeps its totals equal to what it holds and never passes a quota, whatever the operations', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('deposit' as const),
        to: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        size: fc.nat(300)
      }),
      fc.record({ kind: fc.constant('delete' as const), to: fc.constantFrom('a', 'b', 'c'), pick: fc.nat(10) }),
      fc.record({ kind: fc.constant('expire' as const), at: fc.nat(3_000) })
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const book = new MailboxBook(small)
        const held = new Map<string, StoredMail[]>()
        let clock = 0
        for (const o of ops) {
          clock += 50
          if (o.kind === 'deposit') {
            const m = mail(o.to, o.size + 1, clock)
            try {
              book.deposit(m)
              held.set(o.to, [...(held.get(o.to) ?? []), m])
            } catch (err) {
              expect(err).toBeInstanceOf(MailboxRefusedError)
            }
          } else if (o.kind === 'delete') {
            const mine = held.get(o.to) ?? []
            const victim = mine[o.pick % Math.max(1, mine.length)]
            if (victim != null) {
              book.delete(o.to, [victim.id])
              held.set(
                o.to,
                mine.filter((m) => m !== victim)
              )
            }
          } else {
            for (const gone of book.expire(clock + o.at)) {
              held.set(
                gone.recipient,
                (held.get(gone.recipient) ?? []).filter((m) => m !== gone)
              )
            }
          }
          const all = [...held.values()].flat()
          expect(book.stats.mails).toBe(all.length)
          expect(book.stats.bytes).toBe(all.reduce((s, m) => s + m.envelope.byteLength, 0))
          expect(book.stats.bytes).toBeLessThanOrEqual(small.maxTotalBytes)
          for (const [to, mails] of held) {
            expect(book.fetch(to, 100, 1e9).mail).toEqual(mails)
            expect(mails.length).toBeLessThanOrEqual(small.maxMailsPerRecipient)
          }
        }
      })
    )
  })
})

describe('RateLimiter', () => {
  it('allows a burst, then the steady rate, per key', () => {
    const limiter = new RateLimiter(3, 60, 100)
    expect([1, 2, 3, 4].map(() => limiter.take('x', 0))).toEqual([true, true, true, false])
    expect(limiter.take('y', 0)).toBe(true)
    expect(limiter.take('x', 999)).toBe(false)
    expect(limiter.take('x', 1_000)).toBe(true)
  })

  it('holds at most maxBuckets keys, so fresh keys cost bounded memory', () => {
    const limiter = new RateLimiter(1, 1, 10)
    for (let i = 0; i < 1_000; i++) limiter.take(`peer${i}`, 0)
    expect(limiter.size).toBe(10)
  })
})

import { join } from 'node:path'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import type { MessageArchive } from '../../../node/history.ts'
import { DEFAULT_RETENTION, parseRetentionSpec } from '../../../node/retention.ts'
import type { StoredMessage } from '../../../node/store.ts'
import { archives } from './archives.ts'

const { tempDir, openArchive } = archives('history-key')

async function archive(dir: string | undefined, spec = ''): Promise<MessageArchive> {
  const settings = { ...DEFAULT_RETENTION, ...(spec ? parseRetentionSpec(spec) : {}) }
  return openArchive(dir, { settings: () => settings })
}

const TS = 1_800_000_000_000

function post(from: string, text: string, id = 'same-id', ts = TS): StoredMessage {
  return { id, scope: 'lobby', conversation: 'lobby', fromPeerId: from, fromName: from, text, ts }
}

describe('stored history is keyed by sender too', () => {
  for (const [where, spec] of [
    ['on disk', ''],
    ['in memory (session)', 'lobby=session']
  ] as const) {
    it(`a sender copying another's id and time does not overwrite the stored message (${where})`, async () => {
      const a = await archive(tempDir(), spec)
      await a.save(post('PeerAlice', 'the original'))
      await a.save(post('PeerMallory', 'the forgery'))
      const texts = (await a.history('lobby')).map((m) => `${m.fromPeerId}: ${m.text}`)
      expect(texts.sort()).toEqual(['PeerAlice: the original', 'PeerMallory: the forgery'])
    })
  }

  it('a sender saving the same id and time again still replaces its own message', async () => {
    const a = await archive(tempDir())
    await a.save(post('PeerAlice', 'first'))
    await a.save(post('PeerAlice', 'again'))
    expect((await a.history('lobby')).map((m) => m.text)).toEqual(['again'])
  })

  it('messages stored under the old key format are moved to the new one at open, and stay safe', async () => {
    const dir = tempDir()
    const old = post('PeerAlice', 'stored by an older version')
    const db = new Level<string, StoredMessage>(join(dir, 'db'), { valueEncoding: 'json' })
    await db.put(`msg!lobby!${String(old.ts).padStart(15, '0')}!${old.id}`, old)
    await db.close()

    const a = await archive(dir)
    await a.save(post('PeerMallory', 'the forgery'))
    const texts = (await a.history('lobby')).map((m) => m.text)
    expect(texts.sort()).toEqual(['stored by an older version', 'the forgery'])
    // the old key is gone: a second copy under it could not hide next to the moved one
    await a.close()
    const again = new Level<string, StoredMessage>(join(dir, 'db'), { valueEncoding: 'json' })
    const keys: string[] = []
    for await (const key of again.keys({ gt: 'msg!', lt: 'msg!~' })) {
      keys.push(key)
    }
    await again.close()
    expect(keys).toHaveLength(2)
    expect(keys.every((k) => k.split('!').length === 5)).toBe(true)
  })
})

import { cpSync, existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirInUseError } from '../../../node/errors.ts'
import { ChatStore, type StoredMessage } from '../../../node/store.ts'
import { tempDirs } from '../../support/temp-dirs.ts'

const tempDir = tempDirs('store')

const message = (text: string): StoredMessage => ({
  id: text,
  scope: 'lobby',
  conversation: 'lobby',
  fromPeerId: 'PeerA',
  fromName: 'alice',
  text,
  ts: 1
})

async function storeWith(dir: string, text: string): Promise<void> {
  const store = await ChatStore.open(dir)
  await store.saveMessage(message(text))
  await store.close()
}

describe('ChatStore rewrite and recovery', () => {
  it('compact keeps every live entry and the store stays usable', async () => {
    const dir = tempDir()
    const store = await ChatStore.open(dir)
    for (let i = 0; i < 2500; i++) {
      await store.saveMessage({ ...message(`m${i}`), ts: i })
    }
    await store.compact()
    expect(await store.history('lobby', 3000)).toHaveLength(2500)
    await store.saveMessage({ ...message('after'), ts: 9999 })
    expect((await store.history('lobby', 1))[0].text).toBe('after')
    await store.close()
    expect(existsSync(join(dir, 'db.next'))).toBe(false)
    expect(existsSync(join(dir, 'db.old'))).toBe(false)
  })

  it('a crash between the two renames keeps the old store', async () => {
    const dir = tempDir()
    await storeWith(dir, 'kept')
    renameSync(join(dir, 'db'), join(dir, 'db.old'))
    const store = await ChatStore.open(dir)
    expect((await store.history('lobby')).map((m) => m.text)).toEqual(['kept'])
    await store.close()
    expect(existsSync(join(dir, 'db.old'))).toBe(false)
  })

  it('a half-made copy is thrown away', async () => {
    const dir = tempDir()
    await storeWith(dir, 'current')
    cpSync(join(dir, 'db'), join(dir, 'db.next'), { recursive: true })
    const store = await ChatStore.open(dir)
    expect((await store.history('lobby')).map((m) => m.text)).toEqual(['current'])
    await store.close()
    expect(existsSync(join(dir, 'db.next'))).toBe(false)
  })

  it('leftovers are not touched while another process holds the store', async () => {
    const dir = tempDir()
    const running = await ChatStore.open(dir)
    cpSync(join(dir, 'db'), join(dir, 'db.next'), { recursive: true, filter: (src) => !src.endsWith('LOCK') })
    await expect(ChatStore.open(dir)).rejects.toThrow(DataDirInUseError)
    expect(existsSync(join(dir, 'db.next'))).toBe(true)
    await running.close()
  })
})

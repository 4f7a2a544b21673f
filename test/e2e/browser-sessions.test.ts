import { afterEach, describe, expect, it } from 'vitest'
import { pageBesideTerminal } from './browser-helpers.ts'
import { type ChatPage, cleanup, closeBrowsers, requireTool } from './harness.ts'

/** Lists the keys of the page's account database (browser-level keeps them as bytes in one object store). */
const ACCOUNT_KEYS = `new Promise((resolve, reject) => {
  const open = indexedDB.open('level-js-p2pchat-account')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const request = open.result.transaction('p2pchat-account').objectStore('p2pchat-account').getAllKeys()
    request.onerror = () => reject(request.error)
    request.onsuccess = () => {
      open.result.close()
      resolve(request.result.map((k) => new TextDecoder().decode(k)))
    }
  }
})`

async function accountKeys(page: ChatPage): Promise<string[]> {
  const keys: unknown = await page.page.evaluate(ACCOUNT_KEYS)
  return Array.isArray(keys) ? keys.map(String) : []
}

describe('end-to-end DM sessions of the web client across reloads', () => {
  requireTool('chromium')

  afterEach(async () => {
    await closeBrowsers()
    await cleanup()
  })

  it('keeps its sessions in IndexedDB: after a reload DMs go both ways with delivered', async () => {
    const { webUrl, bob, alice, aliceId } = await pageBesideTerminal()
    await bob.waitForUsers((users) => users.some((u) => u.peerId === aliceId))

    bob.send('/msg alice before the reload')
    await bob.waitFor('delivered', (d) => d.to.peerId === aliceId)
    await alice.openConversation('@ bob')
    await alice.waitForLog('bob: before the reload')
    await alice.send('answer before the reload')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'answer before the reload')
    await alice.waitForLog(/answer before the reload delivered/)

    // the sessions are in IndexedDB, sealed, not in the tab's memory only
    expect((await accountKeys(alice)).filter((k) => k.startsWith('session!')).length).toBeGreaterThan(0)

    await alice.goto(webUrl)
    await alice.join('alice')
    // bob may never see the reload as a leave and a join (the page is back before his check of the dropped link)
    await alice.waitForOnline('bob')
    const from = bob.events.length
    bob.send('/msg alice after the reload')
    await bob.waitFor('delivered', (d) => d.to.peerId === aliceId, { from, timeoutMs: 60_000 })
    await alice.openConversation('@ bob')
    await alice.waitForLog('bob: after the reload', 60_000)
    await alice.send('answer after the reload')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'answer after the reload', { timeoutMs: 60_000 })
    await alice.waitForLog(/answer after the reload delivered/, 60_000)
    expect(bob.all('error').filter((e) => e.code === 'DECRYPT_FAILED')).toEqual([])
    expect(alice.errors).toEqual([])
  })
})

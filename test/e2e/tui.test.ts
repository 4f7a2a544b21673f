import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, LOOPBACK, requireTool, spawnPeer, Terminal, tempDir } from './harness.ts'

describe('full-screen client in a terminal', () => {
  requireTool('tmux')
  let client: Terminal | undefined

  afterEach(async () => {
    client?.kill()
    client = undefined
    await cleanup()
  })

  it('asks for a name, chats both ways with a line-mode peer, and leaves gracefully on Ctrl-C', async () => {
    client = new Terminal(['start', '--data-dir', `${tempDir()}/data`, ...LOOPBACK])
    const tui = client
    await tui.waitFor(/Your name for this session/)
    tui.type('bad name')
    await tui.waitFor(/! name must not contain spaces/)
    tui.keys('C-u')
    tui.type('alice')
    const [addr] = await tui.waitFor(/\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+/)

    const bob = await spawnPeer({ name: 'bob', bootstrap: [addr] })
    const join = await bob.waitFor('join', (e) => e.name === 'alice')
    await tui.waitFor(/\* bob joined/)
    await tui.waitFor(/Online \(2\)/)

    tui.type('hello from the screen')
    await bob.waitFor('message', (m) => m.text === 'hello from the screen' && m.from.peerId === join.peerId)
    await tui.waitFor(/you: hello from the screen/)

    bob.send('hi alice')
    await tui.waitFor(/bob: hi alice/)
    bob.send('/msg alice \u001b[2Jjust for you')
    await tui.waitFor(/\[dm\] bob: \uFFFD\[2Jjust for you/)

    tui.type('/msg bob psst')
    await bob.waitFor('message', (m) => m.scope === 'dm' && m.text === 'psst')
    await tui.waitFor(/\[dm -> bob\] psst ✓/)

    tui.type('/users')
    await tui.waitFor(/online \(2\): alice \(you\), bob/)
    tui.type('/nope')
    await tui.waitFor(/! unknown command \/nope/)

    tui.keys('C-c')
    expect(await tui.exitCode()).toBe(0)
    await bob.waitFor('leave', (e) => e.peerId === join.peerId && e.reason === 'left')
  })
})

import type { Multiaddr } from '@multiformats/multiaddr'
import { parseCommand } from '../cli/commands.ts'
import { ChatController } from '../cli/controller.ts'
import type { OutputEvent } from '../cli/output.ts'
import { ChatNode } from '../node/chat-node.ts'
import { openBrowserAccount, type StoredAccount } from './account-store.ts'
import type { Conversation } from './conversations.ts'
import { FilePicker } from './file-picker.ts'
import { BrowserMessageStore } from './message-store.ts'
import { browserPlatform } from './platform.ts'
import { type RelayInfo, relayAddress } from './relay-address.ts'
import { BrowserTransferFiles, MAX_PAGE_FILE_BYTES } from './transfer-files.ts'
import { byId, ChatView } from './view.ts'

/** The Web Lock one tab holds while it runs the account. */
const ACCOUNT_LOCK = 'p2pchat-account'

/** What received files are recorded under: the page has no folders, it keeps them for the user to save. */
const DOWNLOADS = 'browser'

const joinForm = byId('join', HTMLFormElement)
const nameInput = byId('name', HTMLInputElement)
const passphraseInput = byId('passphrase', HTMLInputElement)
const passphraseHint = byId('passphrase-hint', HTMLElement)
const joinStatus = byId('join-status', HTMLElement)
const chat = byId('chat', HTMLElement)
const compose = byId('compose', HTMLFormElement)
const messageInput = byId('message', HTMLInputElement)

async function relayInfo(): Promise<RelayInfo | undefined> {
  try {
    const res = await fetch('relay.json', { signal: AbortSignal.timeout(10_000) })
    return res.ok ? ((await res.json()) as RelayInfo) : undefined
  } catch {
    return undefined
  }
}

/** Runs one session: the node, the controller, the view; resolves once the node is online. */
async function join(name: string, { account, groups, direct }: StoredAccount, relay: Multiaddr): Promise<void> {
  const store = await BrowserMessageStore.open()
  const files = new BrowserTransferFiles()
  const node = await ChatNode.create({
    name,
    account,
    groups: { persistence: groups },
    listen: [],
    mdns: false,
    bootstrap: [relay.toString()],
    relays: [relay.toString()],
    transfers: { downloadDir: DOWNLOADS, maxFileSize: MAX_PAGE_FILE_BYTES, files },
    store,
    direct,
    platform: browserPlatform(relay)
  })
  const me = node.peerId.toString()
  const view = new ChatView(
    {
      log: byId('log', HTMLElement),
      title: byId('title', HTMLElement),
      conversations: byId('conversations', HTMLElement),
      online: byId('online', HTMLElement),
      me: byId('me', HTMLElement)
    },
    (peerId, fallback) => controller.displayName(peerId, fallback)
  )
  const render = (event: OutputEvent): void => {
    view.render(event)
    if (event.type === 'destroyed') {
      destroyed()
    }
  }
  const controller: ChatController = new ChatController(node, render)
  view.onSelect = (c: Conversation) => {
    controller.run({ type: 'room', group: c.kind === 'group' ? c.target : 'lobby' })
  }
  view.onTransfer = (action, id) => controller.run({ type: action, id })
  files.onReceived = (file) => {
    view.transfers.saved(file.id, file.url)
    view.refresh()
  }
  const picker = new FilePicker(files, view, (to, path) => controller.run({ type: 'send', to, path }))
  const showUsers = (): void => view.showUsers(node.users(), me, (peerId) => node.routeTo(peerId))
  node.addEventListener('join', showUsers)
  node.addEventListener('leave', showUsers)
  node.addEventListener('route', showUsers)
  controller.attach()
  await node.start()
  account.settings.name = name
  await account.save()
  const meLine = byId('me', HTMLElement)
  meLine.textContent = `You are ${name} (${me})`
  meLine.dataset.peerId = me
  showUsers()
  await showHistory(node, view, store)
  compose.addEventListener('submit', (e) => {
    e.preventDefault()
    const line = messageInput.value
    messageInput.value = ''
    if (!picker.command(line)) {
      send(controller, view, line)
    }
  })
  // closing the tab is a clean leave: presence says goodbye before the page goes
  window.addEventListener('pagehide', () => void node.stop())
  joinForm.hidden = true
  chat.hidden = false
  chat.dataset.ready = 'true'
  messageInput.focus()
}

/**
 * What the lobby, our DMs and our groups said before, as far as retention kept it (after a reload, in a new tab):
 * the DM conversations are those with the contacts the store knows.
 */
async function showHistory(node: ChatNode, view: ChatView, store: BrowserMessageStore): Promise<void> {
  const me = node.peerId.toString()
  const events: OutputEvent[] = []
  const peers = (await store.contacts()).map((c) => ({ peerId: c.peerId, name: c.name }))
  for (const conversation of ['lobby', ...peers.map((p) => p.peerId)]) {
    const peer = peers.find((p) => p.peerId === conversation)
    const scope = peer == null ? 'lobby' : 'dm'
    for (const m of await node.history(conversation)) {
      const from = { peerId: m.from.peerId, name: m.from.name }
      events.push(
        m.from.peerId === me
          ? { type: 'sent', id: m.id, scope, ...(peer == null ? {} : { to: peer }), text: m.text, ts: m.ts }
          : { type: 'message', id: m.id, scope, from, text: m.text, ts: m.ts }
      )
    }
  }
  for (const group of node.groups.list().filter((g) => g.role != null)) {
    view.conversations.open({ key: `group:${group.id}`, kind: 'group', target: group.id, title: group.name })
    const ref = { id: group.id, name: group.name }
    for (const m of await node.history(group.id)) {
      const from = { peerId: m.from.peerId, name: m.from.name }
      events.push(
        m.from.peerId === me
          ? { type: 'sent', id: m.id, scope: 'group', group: ref, text: m.text, ts: m.ts }
          : { type: 'message', id: m.id, scope: 'group', group: ref, from, text: m.text, ts: m.ts }
      )
    }
  }
  view.restore(events)
  view.refresh()
}

/** After /destroy confirm: the account and everything of it in this browser is gone; a reload starts anew. */
function destroyed(): void {
  chat.hidden = true
  joinForm.hidden = false
  for (const control of joinForm.querySelectorAll('input, button')) {
    control.setAttribute('disabled', '')
  }
  joinStatus.textContent = 'Your account is destroyed: nothing of it is left in this browser. Reload to start anew.'
  joinForm.dataset.destroyed = 'true'
}

/** One line of input: the terminal's parser, with plain text going to the conversation on screen. */
function send(controller: ChatController, view: ChatView, line: string): void {
  const command = parseCommand(line)
  const active = view.conversations.active
  if (command.type === 'broadcast' && active.kind === 'dm' && active.target != null) {
    controller.run({ type: 'msg', to: active.target, text: command.text })
    return
  }
  if (command.type === 'msg') {
    view.followNextDm = true
  }
  // a confirmed /destroy ends the session too, and the page then says so (see destroyed())
  if (controller.run(command) === 'quit' && command.type === 'quit') {
    void controller.node.stop().then(() => location.reload())
  }
}

/**
 * Holds the account's lock for as long as the tab lives: a second tab of the same browser would run the same
 * identity twice (as a second process on one data directory would, which the terminal refuses too).
 */
function lockAccount(): Promise<boolean> {
  return new Promise((resolve) => {
    void navigator.locks.request(ACCOUNT_LOCK, { ifAvailable: true }, async (lock) => {
      resolve(lock != null)
      if (lock != null) {
        await new Promise(() => {})
      }
    })
  })
}

async function main(): Promise<void> {
  if (!(await lockAccount())) {
    joinStatus.textContent = 'p2pchat is already open in another tab of this browser: use that one.'
    joinForm.dataset.inUse = 'true'
    return
  }
  const params = new URLSearchParams(location.search)
  const relay = relayAddress(location, params.get('relay'), params.has('relay') ? undefined : await relayInfo())
  const locked = await openBrowserAccount()
  nameInput.value = locked.name ?? ''
  passphraseHint.textContent = locked.encrypted
    ? 'This browser keeps your key encrypted: enter its passphrase.'
    : 'Optional, on your first visit: encrypts your key in this browser, and is asked for on every visit after.'
  // opened once: a second try after a failed join must not make a second identity
  let opened: StoredAccount | undefined
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault()
    joinStatus.textContent = 'Connecting…'
    void (async () => {
      opened ??= await locked.unlock(passphraseInput.value === '' ? undefined : passphraseInput.value)
      passphraseInput.value = ''
      await join(nameInput.value, opened, relay)
    })().catch((err: unknown) => {
      joinStatus.textContent = err instanceof Error ? err.message : String(err)
    })
  })
  joinForm.dataset.ready = 'true'
  nameInput.focus()
}

main().catch((err: unknown) => {
  joinStatus.textContent = err instanceof Error ? err.message : String(err)
})

import type { ChatNode } from '../node/chat-node.ts'
import { endedDm, errorCode } from '../node/errors.ts'
import type { OnChatEvent } from '../node/events.ts'
import { AccountCommands } from './account-controller.ts'
import { adminOutput, noticeOutput, relayOutput } from './admin-command.ts'
import { type Command, HELP } from './commands.ts'
import { GroupCommands } from './group-controller.ts'
import { type OutputEvent, ref } from './output.ts'
import { progressEvent, transferStateEvents, transferView } from './transfer-output.ts'

/**
 * Runs parsed commands against a ChatNode and turns node events into OutputEvents.
 * Shared by line, JSON and full-screen modes, so they behave the same.
 */
export class ChatController {
  private readonly pending = new Set<Promise<void>>()
  private readonly detach: Array<() => void> = []
  private accountCommands?: AccountCommands
  /** group commands and the current room */
  readonly groups: GroupCommands

  constructor(
    readonly node: ChatNode,
    private readonly emit: (event: OutputEvent) => void
  ) {
    this.groups = new GroupCommands(node, emit, (op) => this.track(op))
  }

  /** Starts forwarding node events to `emit`. */
  attach(): void {
    const on: OnChatEvent = (type, listener) => {
      this.node.addEventListener(type, listener)
      this.detach.push(() => this.node.removeEventListener(type, listener))
    }
    this.attachMessages(on)
    this.attachStatus(on)
    this.groups.attach(on)
  }

  /** Messages, their delivery, and who comes and goes. */
  private attachMessages(on: OnChatEvent): void {
    on('message', ({ detail: m }) => {
      this.emit({
        type: 'message',
        id: m.id,
        scope: m.scope,
        from: ref(m.from),
        ...(m.to ? { to: ref(m.to) } : {}),
        ...(m.group ? { group: m.group } : {}),
        text: m.text,
        ts: m.ts,
        ...(m.catchUp ? { catchUp: m.catchUp } : {})
      })
    })
    on('sent', ({ detail: s }) => {
      this.emit({
        type: 'sent',
        id: s.id,
        scope: s.scope,
        ...(s.to ? { to: ref(s.to) } : {}),
        ...(s.group ? { group: s.group } : {}),
        text: s.text,
        ts: s.ts,
        ...(s.recipients == null ? {} : { recipients: s.recipients })
      })
    })
    on('delivered', ({ detail: d }) => {
      this.emit({ type: 'delivered', id: d.id, to: ref(d.to) })
    })
    on('queued', ({ detail: q }) => {
      this.emit({ type: 'queued', id: q.id, to: ref(q.to), via: q.via })
    })
    on('join', ({ detail: u }) => {
      this.emit({ type: 'join', peerId: u.peerId, name: u.name })
    })
    on('leave', ({ detail: u }) => {
      this.emit({ type: 'leave', peerId: u.peerId, name: u.name, displayName: u.displayName, reason: u.reason })
    })
    on('route', ({ detail: r }) => {
      this.emit({ type: 'route', peerId: r.peerId, name: r.name, via: r.via })
    })
  }

  /** Errors, transfers, relays and their notices, retention purges. */
  private attachStatus(on: OnChatEvent): void {
    on('error', ({ detail: e }) => {
      this.emit({ type: 'error', code: e.code, message: e.message, ...(e.id == null ? {} : { id: e.id }) })
    })
    on('transfer', ({ detail }) => {
      for (const event of transferStateEvents(detail)) {
        this.emit(event)
      }
    })
    on('transfer-progress', ({ detail }) => {
      this.emit(progressEvent(detail))
    })
    on('relay', ({ detail }) => {
      this.emit(relayOutput(detail))
    })
    on('notice', ({ detail }) => {
      const out = noticeOutput(detail, this.node.peerId.toString())
      if (out != null) {
        this.emit(out)
      }
    })
    on('purged', ({ detail: counts }) => {
      this.emit({ type: 'purged', ...counts })
    })
  }

  ready(): OutputEvent {
    return {
      type: 'ready',
      peerId: this.node.peerId.toString(),
      name: this.node.name,
      addrs: this.node.addrs,
      ...(this.node.account.persistent ? {} : { ephemeral: true as const })
    }
  }

  /** Runs a command; returns 'quit' when the user asked to leave. Errors become `error` events. */
  run(command: Command): 'quit' | undefined {
    switch (command.type) {
      case 'none':
        return undefined
      case 'quit':
        return 'quit'
      case 'help':
        this.emit({ type: 'help', commands: HELP.map(([usage, description]) => ({ usage, description })) })
        return undefined
      case 'users':
        this.listUsers()
        return undefined
      case 'invalid':
        this.emit({ type: 'error', code: command.code, message: command.message })
        return undefined
      case 'broadcast':
        if (!this.groups.sendToRoom(command.text)) {
          this.track(this.node.broadcast(command.text))
        }
        return undefined
      case 'msg':
        this.track(this.node.sendDirect(command.to, command.text))
        return undefined
      case 'outbox':
        this.emit({
          type: 'outbox',
          dms: this.node
            .outbox()
            .map((d) => ({ id: d.id, to: ref(d.to), via: d.via, ts: d.ts, expiresAt: d.expiresAt }))
        })
        return undefined
      case 'send':
        this.track(this.node.sendFile(command.to, command.path))
        return undefined
      case 'accept':
      case 'decline':
        this.answer(command)
        return undefined
      case 'cancel':
        this.track(this.node.cancelTransfer(command.id))
        return undefined
      case 'transfers':
        this.emit({ type: 'transfers', transfers: this.node.listTransfers().map(transferView) })
        return undefined
      case 'admin':
        this.track(
          this.node
            .admin(command.command, command.args, { relay: command.relay })
            .then((reply) =>
              this.emit(adminOutput(command.command, reply, command.relay == null ? undefined : reply.relay))
            )
        )
        return undefined
      case 'history':
      case 'retention':
      case 'block':
      case 'unblock':
      case 'blocked':
      case 'destroy':
        this.accountCommands ??= new AccountCommands(this.node, this.emit, (op) => this.track(op))
        return this.accountCommands.run(command)
      default:
        this.groups.run(command)
        return undefined
    }
  }

  private listUsers(): void {
    const me = this.node.peerId.toString()
    this.emit({
      type: 'users',
      users: this.node.users().map((u) => {
        const via = u.peerId === me ? undefined : this.node.routeTo(u.peerId)
        return { ...ref(u), displayName: u.displayName, self: u.peerId === me, ...(via == null ? {} : { via }) }
      })
    })
  }

  /** One /accept and /decline for group invitations and file offers: their ids never look alike. */
  private answer(command: Extract<Command, { type: 'accept' | 'decline' }>): void {
    if (this.groups.isInviteId(command.id)) {
      this.groups.run({ type: command.type, id: command.id })
    } else if (command.type === 'accept') {
      this.track(this.node.acceptTransfer(command.id, 'dir' in command ? command.dir : undefined))
    } else {
      this.track(this.node.declineTransfer(command.id))
    }
  }

  /** Waits for sends still in flight (bounded by their own timeouts), e.g. before quitting at end of input. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending])
  }

  /** How a peer is shown right now (with a suffix when its name is shared). */
  displayName(peerId: string, fallback: string): string {
    return this.node.users().find((u) => u.peerId === peerId)?.displayName ?? fallback
  }

  dispose(): void {
    for (const off of this.detach.splice(0)) {
      off()
    }
  }

  private track(op: Promise<unknown>): void {
    const p = op.then(
      () => undefined,
      (err: unknown) => {
        const id = endedDm(err)
        this.emit({
          type: 'error',
          code: errorCode(err),
          message: err instanceof Error ? err.message : String(err),
          ...(id == null ? {} : { id })
        })
      }
    )
    this.pending.add(p)
    void p.finally(() => this.pending.delete(p))
  }
}

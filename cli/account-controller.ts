import { ConfirmationRequiredError } from '../node/account/errors.ts'
import type { ChatNode } from '../node/chat-node.ts'
import { formatRetention, parseRetention, RETENTION_SCOPES, type RetentionSettings } from '../node/retention.ts'
import type { AccountCommand } from './account-commands.ts'
import { retentionEvent } from './account-output.ts'
import { type OutputEvent, ref } from './output.ts'

/** Runs the account commands for ChatController: same rules, errors become `error` events through `track`. */
export class AccountCommands {
  constructor(
    private readonly node: ChatNode,
    private readonly emit: (event: OutputEvent) => void,
    private readonly track: (op: Promise<unknown>) => void
  ) {}

  /** Returns 'quit' once a confirmed /destroy is under way: the session ends with the account. */
  run(command: AccountCommand): 'quit' | undefined {
    switch (command.type) {
      case 'history':
        this.track(this.history(command.target, command.limit))
        return undefined
      case 'retention':
        this.track(this.retention(command.scope, command.policy))
        return undefined
      case 'block':
        this.track(
          this.node
            .block(command.who)
            .then((b) => this.emit({ type: 'block', action: 'block', peerId: b.peerId, name: b.name }))
        )
        return undefined
      case 'unblock':
        this.track(
          this.node
            .unblock(command.who)
            .then((b) => this.emit({ type: 'block', action: 'unblock', peerId: b.peerId, name: b.name }))
        )
        return undefined
      case 'blocked':
        this.emit({ type: 'blocked', peers: this.node.blocked() })
        return undefined
      case 'destroy':
        return this.destroy(command.confirmed)
    }
  }

  private async history(target: string | undefined, limit: number): Promise<void> {
    const other = target == null ? undefined : await this.node.findKnownUser(target)
    const conversation = other?.peerId ?? 'lobby'
    const messages = await this.node.history(conversation, limit)
    this.emit({
      type: 'history',
      conversation,
      ...(other == null ? {} : { with: { peerId: other.peerId, name: other.name } }),
      retention: formatRetention(this.node.retention()[other == null ? 'lobby' : 'dm']),
      messages: messages.map((m) => ({ id: m.id, scope: m.scope, from: ref(m.from), text: m.text, ts: m.ts }))
    })
  }

  private async retention(scope: keyof RetentionSettings | undefined, text: string | undefined): Promise<void> {
    if (text == null) {
      this.emit(retentionEvent(this.node.retention()))
      return
    }
    const policy = parseRetention(text)
    const changes = Object.fromEntries((scope == null ? RETENTION_SCOPES : [scope]).map((s) => [s, policy]))
    const deleted = await this.node.setRetention(changes)
    this.emit(retentionEvent(this.node.retention(), deleted))
  }

  private destroy(confirmed: boolean): 'quit' | undefined {
    const who = `${this.node.name} (${this.node.peerId})`
    if (!confirmed) {
      const err = new ConfirmationRequiredError(
        `/destroy deletes the account ${who} for good: its key, messages and settings on this machine, and it tells every peer online to forget you. Type /destroy confirm to go ahead`
      )
      this.emit({ type: 'error', code: 'CONFIRMATION_REQUIRED', message: err.message })
      return undefined
    }
    const peerId = this.node.peerId.toString()
    const dataDir = this.node.account.dataDir
    this.track(
      this.node.destroy().then((result) => {
        this.emit({ type: 'destroyed', peerId, ...result, ...(dataDir == null ? {} : { dataDir }) })
      })
    )
    return 'quit'
  }
}

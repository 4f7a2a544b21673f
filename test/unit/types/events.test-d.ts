/**
 * Type-level tests of ChatNode's event contract, checked by `tsc --noEmit` in `npm run check` (not run by vitest):
 * each `@ts-expect-error` line must fail to compile, so a front end that misspells an event name or reads a field
 * an event does not carry is rejected by the compiler. If the types loosen, the directive is unused and tsc fails.
 */
import type { GroupCommands } from '../../../cli/group-controller.ts'
import type { ChatNode } from '../../../node/chat-node.ts'
import type { EmitChatEvent, OnChatEvent } from '../../../node/events.ts'

/** The subscribe function the CLI's event bridge hands to its group commands. */
type CliOn = Parameters<GroupCommands['attach']>[0]

export function cliSubscriptions(on: CliOn): void {
  on('message', ({ detail }) => detail.text.length)
  on('group-joined', ({ detail }) => detail.group.id)
  // @ts-expect-error a misspelled event name
  on('mesage', () => undefined)
  // @ts-expect-error a misspelled group event name
  on('group-join', () => undefined)
  // @ts-expect-error `message` carries `text`, not `txt`
  on('message', ({ detail }) => detail.txt)
  // @ts-expect-error `leave` carries a reason, `join` does not
  on('join', ({ detail }) => detail.reason)
}

export function nodeSubscriptions(node: ChatNode, on: OnChatEvent): void {
  node.addEventListener('delivered', ({ detail }) => detail.to.peerId)
  // @ts-expect-error a misspelled event name on the node itself
  node.addEventListener('deliverd', () => undefined)
  on('transfer-progress', ({ detail }) => detail.transfer.id)
  // @ts-expect-error an event the node does not have
  on('transfer-done', () => undefined)
}

export function emits(emit: EmitChatEvent): void {
  emit('error', { code: 'INTERNAL', message: 'x' })
  // @ts-expect-error `error` needs a message
  emit('error', { code: 'INTERNAL' })
  // @ts-expect-error a misspelled event name
  emit('eror', { code: 'INTERNAL', message: 'x' })
}

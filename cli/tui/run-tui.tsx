import type { ChatNode } from '../../node/chat-node.ts'

/** Full-screen client (placeholder until the ink interface lands). */
export async function runTui(_node: ChatNode, _signal: AbortSignal): Promise<void> {}

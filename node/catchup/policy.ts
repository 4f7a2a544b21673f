import type { PeerId } from '@libp2p/interface'
import {
  CATCH_UP_WINDOW_MS,
  type CatchUpComponents,
  type CatchUpInit,
  CatchUpService,
  PEER_STORE_BYTES,
  PEER_STORE_CONVERSATIONS
} from '../../protocols/catchup/index.ts'
import { type GroupService, groupIdOfTopic } from '../../protocols/group/index.ts'
import { LOBBY_TOPIC } from '../../protocols/lobby/index.ts'
import type { RetentionPolicy, RetentionSettings } from '../retention.ts'

/** What a peer's catch-up policy looks at: the account's retention, and our groups. */
export interface PeerCatchUpDeps {
  retention: () => RetentionSettings
  /** the members of one of our groups (by PeerId), or undefined when we are not in it */
  members: (groupId: string) => { has(peerId: string): boolean } | undefined
}

/** How far back a peer serves under a retention policy: what it keeps itself, at most the catch-up window. */
export function servedWindow(policy: RetentionPolicy): number {
  switch (policy.kind) {
    case 'none':
      return 0
    case 'duration':
      return Math.min(policy.ms, CATCH_UP_WINDOW_MS)
    default:
      return CATCH_UP_WINDOW_MS
  }
}

/**
 * A peer keeps the lobby and the groups it is in, each only if the account keeps that scope at all (retention
 * `none` keeps and serves nothing), and serves a group only to its members, the lobby to anyone.
 */
export function peerCatchUp(deps: PeerCatchUpDeps): CatchUpInit {
  type Scope = { window: number; members?: { has(peerId: string): boolean } }
  const scopeWindow = (topic: string): Scope | undefined => {
    if (topic === LOBBY_TOPIC) {
      return { window: servedWindow(deps.retention().lobby) }
    }
    const groupId = groupIdOfTopic(topic)
    const members = groupId == null ? undefined : deps.members(groupId)
    return members == null ? undefined : { window: servedWindow(deps.retention().groups), members }
  }
  return {
    store: { maxBytes: PEER_STORE_BYTES, maxConversations: PEER_STORE_CONVERSATIONS },
    keep: (topic) => (scopeWindow(topic)?.window ?? 0) > 0,
    policy: (peer: PeerId, topic: string) => {
      const scope = scopeWindow(topic)
      if (scope == null) {
        return { refused: 'not a conversation of mine' }
      }
      if (scope.members != null && !scope.members.has(peer.toString())) {
        return { refused: 'only members may catch up on a group' }
      }
      return scope.window > 0 ? { windowMs: scope.window } : { refused: 'I keep nothing of it' }
    }
  }
}

const KEEP_NOTHING: CatchUpInit = {
  store: { maxBytes: 0, maxConversations: 0 },
  keep: () => false,
  policy: () => ({ refused: 'I keep nothing' })
}

/**
 * A peer's catch-up service, for `services: { catchUp: peerCatchUpService(retention) }`. The group service is read
 * from the node's components when a request comes, so it may be created after this one. Without the account's
 * retention nothing is kept or served.
 */
export function peerCatchUpService(
  retention?: () => RetentionSettings
): (components: CatchUpComponents & { groups?: Pick<GroupService, 'group'> }) => CatchUpService {
  return (components) =>
    new CatchUpService(
      components,
      retention == null
        ? KEEP_NOTHING
        : peerCatchUp({ retention, members: (id) => components.groups?.group(id)?.state.members })
    )
}

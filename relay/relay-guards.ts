import { type GossipSub, TopicValidatorResult } from '@libp2p/gossipsub'
import { authorOf, guardTopic } from '../node/gossip-guard.ts'
import { utf8Length } from '../protocols/common/index.ts'
import { decodeLobbyPost, LOBBY_TOPIC } from '../protocols/lobby/index.ts'
import { NOTICE_TOPIC, type RelayNotice } from '../protocols/notice/index.ts'
import { PRESENCE_TOPIC } from '../protocols/presence/index.ts'
import { isBanned, type RelayState } from './state.ts'

/** Ignore for a message by a banned author: the relay passes on nothing of theirs, to its clients or peer relays. */
export function bannedAuthor(
  state: RelayState
): (msg: Parameters<typeof authorOf>[0]) => TopicValidatorResult | undefined {
  return (msg) => {
    const author = authorOf(msg)
    return author != null && isBanned(state, author) ? TopicValidatorResult.Ignore : undefined
  }
}

/**
 * Puts the relay's own checks in front of the presence, notice and lobby validators: nothing from banned authors,
 * no lobby post over `maxMessageBytes`. Call after gossipsub started; returns the functions that undo it.
 */
export function guardRelayTopics(pubsub: GossipSub, state: RelayState): Array<() => void> {
  const banned = bannedAuthor(state)
  const unguards = [PRESENCE_TOPIC, NOTICE_TOPIC].map((topic) => guardTopic(pubsub, topic, banned))
  unguards.push(guardTopic(pubsub, LOBBY_TOPIC, (msg) => banned(msg) ?? oversized(state, msg.data)))
  return unguards
}

/** Lobby posts over the relay's size limit are not forwarded (they are valid, so nobody is penalised). */
function oversized(state: RelayState, data: Uint8Array): TopicValidatorResult | undefined {
  try {
    const post = decodeLobbyPost(data)
    return utf8Length(post.text) > state.settings.maxMessageBytes ? TopicValidatorResult.Ignore : undefined
  } catch {
    return undefined
  }
}

/** The relay's ban list as a notice. */
export function banNotice(state: RelayState): RelayNotice {
  return {
    kind: 'bans',
    ts: Date.now(),
    bans: { version: state.banListVersion, peers: state.bans.map((b) => b.peerId) }
  }
}

/** What a newly identified client is sent: the ban list (if any) and the message of the day (if any). */
export function welcomeNotices(state: RelayState): RelayNotice[] {
  const sends: RelayNotice[] = []
  if (state.bans.length > 0) {
    sends.push(banNotice(state))
  }
  if (state.settings.motd.trim().length > 0) {
    sends.push({ kind: 'motd', ts: Date.now(), text: state.settings.motd })
  }
  return sends
}

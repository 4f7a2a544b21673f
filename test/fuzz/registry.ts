import type { Target } from './target.ts'
import { catchUpTargets } from './targets/catchup.ts'
import { codecTargets } from './targets/codecs.ts'
import { directTargets } from './targets/direct.ts'
import { groupTargets } from './targets/group.ts'
import { gossipTargets, handlerTargets } from './targets/handlers.ts'
import { nodeTargets } from './targets/node.ts'
import { presenceSyncTargets } from './targets/presence-sync.ts'
import { sessionTargets } from './targets/sessions.ts'
import { stunTargets } from './targets/stun.ts'

/** Every fuzz target: the protocol decoders, the node's file and input parsers, and the stream handlers. */
export const TARGETS: Target[] = [
  ...codecTargets,
  ...catchUpTargets,
  ...groupTargets,
  ...handlerTargets,
  ...gossipTargets,
  ...nodeTargets,
  ...presenceSyncTargets,
  ...sessionTargets,
  ...stunTargets,
  ...directTargets
]

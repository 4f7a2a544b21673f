import type { Target } from './target.ts'
import { codecTargets } from './targets/codecs.ts'

/** Every fuzz target: the protocol decoders, the node's file and input parsers, and the stream handlers. */
export const TARGETS: Target[] = [...codecTargets]

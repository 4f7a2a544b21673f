import { setFlagsFromString } from 'node:v8'

/** V8's own factor by which the young generation grows under load (its `--semi-space-growth-factor` default). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2

/**
 * How far past what survived its last full collection a peer's old generation may grow before the next one, in
 * percent (V8's `--heap-growing-percent`; by default V8 picks a factor from its measured speeds).
 */
export const PEER_OLD_GENERATION_GROWTH_PERCENT = 100

/**
 * Lets V8's young generation grow again under load. bin/p2pchat.js holds it at its initial size while the client
 * loads, so that the allocations of start-up do not leave an idle peer with 30 MiB of young generation it never
 * needs; once the peer is ready, real traffic (a file, a burst of messages) grows it as V8 would.
 */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`)
}

/**
 * Gives a peer's old generation room to grow by its live size after each full collection. A peer's heap is small
 * (about 26 MiB live while it sends a file), and V8's own factor left it about 10 MiB of room after each collection:
 * less than the 16 MiB young generation that a transfer grows, and V8 starts its next full collection as soon as the
 * room left is under the young generation's. So a peer sending or receiving a file ran a full mark-compact every
 * 60-70 ms (37 in a 256 MiB transfer), which was most of its CPU beyond the bare libp2p stream's
 * (docs/performance.md, "The garbage collector"). With this, one.
 */
export function giveOldGenerationRoom(): void {
  setFlagsFromString(`--heap-growing-percent=${PEER_OLD_GENERATION_GROWTH_PERCENT}`)
}

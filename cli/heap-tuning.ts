import { setFlagsFromString } from 'node:v8'

/** V8's own factor by which the young generation grows under load (its `--semi-space-growth-factor` default). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2

/**
 * How far past what survived its last full collection a peer's old generation may grow before the next one, in
 * percent (V8's `--heap-growing-percent`; by default V8 picks a factor from its measured speeds). 50 did not stop the
 * collections described below for a peer sending a file (101-109 MiB/s against 188-193 at 100).
 */
export const PEER_OLD_GENERATION_GROWTH_PERCENT = 100

/**
 * The same for a relay, whose heap grows with its clients: at 300 idle and 50 active clients, 50 halved its CPU per
 * lobby post as 100 did (20-23 ms against 19-20 ms, 36-41 ms with V8's own factor) for 6% more heap per client
 * (49 KiB, against 53 KiB at 100 and 46 KiB with V8's factor).
 */
export const RELAY_OLD_GENERATION_GROWTH_PERCENT = 50

/**
 * Sets V8's heap up for traffic once a peer or relay has started.
 *
 * The young generation may grow again under load. bin/p2pchat.js holds it at its initial size while the client loads,
 * so that the allocations of start-up do not leave an idle peer with 30 MiB of young generation it never needs; once
 * it is ready, real traffic (a file, a burst of messages) grows it as V8 would.
 *
 * The old generation gets room to grow by `oldGenerationGrowthPercent` of its live size after each full collection.
 * A peer's heap is small (about 26 MiB live while it sends a file), and the factor V8 chose left it a limit of about
 * 36 MiB; V8 then started its next incremental marking within 60-70 ms of each full collection, so a peer sending or
 * receiving a file ran 37 mark-compacts in 256 MiB, most of its CPU beyond the bare libp2p stream's
 * (docs/performance.md, "Files: a full collection every 60-70 ms"). A smaller young generation did not stop it; this
 * does (one mark-compact). A relay's forwarding showed the same.
 */
export function tuneHeapForTraffic(oldGenerationGrowthPercent: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`)
  setFlagsFromString(`--heap-growing-percent=${oldGenerationGrowthPercent}`)
}

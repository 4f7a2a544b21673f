/** Delay before retry number `attempt` (0-based): doubling from `baseMs`, capped at `maxMs`, with ±20% jitter. */
export function backoffDelay(
  attempt: number,
  baseMs = 1000,
  maxMs = 30_000,
  random: () => number = Math.random
): number {
  const exact = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(exact * (0.8 + 0.4 * random()))
}

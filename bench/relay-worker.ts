import type { Libp2p } from 'libp2p'
import { idleClient } from './relay-clients.ts'

/**
 * A child process holding `count` idle clients on the relay, so the relay's connection count is not limited by one
 * process. Prints {"held": n} as clients come up and {"done": n} at the end; exits when its stdin closes.
 */
async function main(): Promise<void> {
  const [relay, countText, batchText] = process.argv.slice(2)
  const count = Number(countText)
  const batch = Number(batchText ?? 10)
  const nodes: Array<Pick<Libp2p, 'stop'>> = []
  let failed = 0
  // a busy relay turns away connections beyond its pending-handshake limit, and on a loaded machine reservations
  // time out; those clients try again, as real ones do
  for (let round = 0; nodes.length < count && round < (3 * count) / batch + 20; round++) {
    const started = await Promise.allSettled(
      Array.from({ length: Math.min(batch, count - nodes.length) }, () => idleClient({ relay }))
    )
    for (const s of started) {
      if (s.status === 'fulfilled') {
        nodes.push(s.value)
      } else {
        failed++
        if (failed <= 3) {
          process.stderr.write(
            `client failed: ${s.reason instanceof Error ? s.reason.message.split('\n').slice(0, 6).join(' | ') : String(s.reason)}\n`
          )
        }
      }
    }
    process.stdout.write(`${JSON.stringify({ held: nodes.length, failed })}\n`)
  }
  process.stdout.write(`${JSON.stringify({ done: nodes.length, failed })}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => {
    void Promise.allSettled(nodes.map((n) => n.stop())).then(() => process.exit(0))
  })
}

void main()

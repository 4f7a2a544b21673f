import { readdirSync, readlinkSync, writeFileSync } from 'node:fs'

/**
 * Preloaded into the benchmark's relay process (`--expose-gc --import relay-probe.js`): on SIGUSR2 it collects
 * garbage and writes the process's memory to BENCH_PROBE_FILE, so memory per client is read after collection and not
 * at whatever point of its garbage cycle the relay happened to be.
 */
const file = process.env.BENCH_PROBE_FILE
const collect = (globalThis as { gc?: () => void }).gc
if (file != null && collect != null) {
  process.on('SIGUSR2', () => {
    collect()
    collect()
    const m = process.memoryUsage()
    writeFileSync(
      file,
      JSON.stringify({
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        sockets: sockets()
      })
    )
  })
}

/** Open sockets of this process: its connections (plus listeners), counted whatever the clients believe. */
function sockets(): number {
  let count = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      count += readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:') ? 1 : 0
    } catch {
      // closed meanwhile
    }
  }
  return count
}

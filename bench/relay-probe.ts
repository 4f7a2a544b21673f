import { readdirSync, readlinkSync, writeFileSync } from 'node:fs'

/**
 * Preloaded into the benchmark's relay process (`--expose-gc --import relay-probe.js`): on SIGUSR2 it collects
 * garbage and writes the process's memory to BENCH_PROBE_FILE, so memory per client is read after collection and not
 * at whatever point of its garbage cycle the relay happened to be. It reads twice: after two full collections, and
 * after V8's last-resort one (what V8 does under memory pressure: it compacts the heap and gives back the pages it
 * freed). After a burst of connections V8 may keep 30-140 MiB of heap it does not use, which the first reading
 * counts and the second does not.
 */
type Collect = (options?: { type: 'major'; execution: 'sync'; flavor?: 'last-resort' }) => void
const file = process.env.BENCH_PROBE_FILE
const collect = (globalThis as { gc?: Collect }).gc
if (file != null && collect != null) {
  process.on('SIGUSR2', () => {
    collect()
    collect()
    const full = reading()
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' })
    writeFileSync(file, JSON.stringify({ ...full, compacted: reading() }))
  })
}

function reading(): { rss: number; heapUsed: number; heapTotal: number; external: number; sockets: number } {
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, sockets: sockets() }
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

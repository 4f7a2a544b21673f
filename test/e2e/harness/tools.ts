import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { beforeEach } from 'vitest'
import { netnsUnsupported } from './netns.ts'

const run = promisify(execFile)

/** A Node older than 22 on this machine (the system one, typically), if there is one. */
export function findOldNode(): string | undefined {
  const candidates = new Set(['/usr/bin/node', '/usr/local/bin/node'])
  try {
    for (const path of execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n')) {
      if (path.trim()) {
        candidates.add(path.trim())
      }
    }
  } catch {
    // no `which`, or no node on PATH: the fixed candidates remain
  }
  for (const path of candidates) {
    if (!existsSync(path)) {
      continue
    }
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
      if (Number(version.replace(/^v/, '').split('.')[0]) < 22) {
        return path
      }
    } catch {
      // not runnable: not a candidate
    }
  }
  return undefined
}

/** What some e2e tests need from the machine beyond Node. */
export type Tool = 'netns' | 'tmux' | 'nftables' | 'chromium' | 'openssl' | 'old-node'

interface ToolCheck {
  /** why the tool cannot be used here, or undefined when it can */
  probe: () => Promise<string | undefined>
  /** what to do about it, shown in the failure or skip message */
  install: string
}

/** Whether `cmd args` runs; its error when it does not. */
async function runs(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    await run(cmd, args, { timeout: 10_000 })
    return undefined
  } catch (err) {
    return `'${cmd} ${args.join(' ')}' failed (${err instanceof Error ? err.message : String(err)})`
  }
}

const TOOLS: Record<Tool, ToolCheck> = {
  netns: { probe: netnsUnsupported, install: 'apt-get install -y iproute2, and run the tests as root' },
  tmux: { probe: () => runs('tmux', ['-V']), install: 'apt-get install -y tmux' },
  nftables: {
    probe: async () => (process.getuid?.() === 0 ? runs('nft', ['--version']) : 'nftables needs root'),
    install: 'apt-get install -y nftables, and run the tests as root'
  },
  chromium: { probe: () => runs('chromium', ['--version']), install: 'apt-get install -y chromium' },
  openssl: { probe: () => runs('openssl', ['version']), install: 'apt-get install -y openssl' },
  'old-node': {
    probe: async () => (findOldNode() == null ? 'no Node.js older than 22 is installed' : undefined),
    install: 'apt-get install -y nodejs (Debian 12 ships Node 18)'
  }
}

/** A tool a test needs is missing while CI=true, where every test must run. */
export class MissingToolError extends Error {
  static override readonly name = 'MissingToolError'
  override name = 'MissingToolError'
}

/** The one definition of "this is CI": there a missing tool fails instead of skipping. */
export function inCi(): boolean {
  return process.env.CI === 'true'
}

const probes = new Map<Tool, Promise<string | undefined>>()

/** Why `tool` cannot be used on this machine, with what to install; undefined when it can. Probed once per file. */
export async function toolMissing(tool: Tool): Promise<string | undefined> {
  let probe = probes.get(tool)
  if (probe == null) {
    probe = TOOLS[tool].probe()
    probes.set(tool, probe)
  }
  const why = await probe
  return why == null ? undefined : `needs ${tool}: ${why}; to run it: ${TOOLS[tool].install}`
}

/**
 * Call in a describe block whose tests need `tool`. Where it is missing, each test fails under CI=true (a green CI
 * must not hide tests that never ran) and is skipped with the reason elsewhere.
 */
export function requireTool(tool: Tool): void {
  beforeEach(async (ctx) => {
    const why = await toolMissing(tool)
    if (why == null) {
      return
    }
    if (inCi()) {
      throw new MissingToolError(`CI=true and this test ${why}`)
    }
    ctx.skip(why)
  })
}

import { mkdir } from 'node:fs/promises'
import envPaths from 'env-paths'

/** The platform's per-user data folder (XDG on Linux, Application Support on macOS, AppData on Windows). */
export function defaultDataDir(): string {
  return envPaths('p2pchat', { suffix: '' }).data
}

/** Creates the data directory, readable by its owner only since it holds the identity key. */
export async function ensureDataDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  return dir
}

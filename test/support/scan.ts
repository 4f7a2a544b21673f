import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Files under `dir` whose raw bytes contain `needle` (every file, recursively: LevelDB logs, tables, manifests). */
export function filesContaining(dir: string, needle: string | Uint8Array): string[] {
  if (!existsSync(dir)) {
    return []
  }
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle)
  const hits: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) {
        walk(path)
      } else if (readFileSync(path).includes(bytes)) {
        hits.push(path)
      }
    }
  }
  walk(dir)
  return hits
}

/** Every file and folder under `dir`, as sorted relative paths (none when `dir` does not exist). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    return []
  }
  return (readdirSync(dir, { recursive: true }) as string[]).sort()
}

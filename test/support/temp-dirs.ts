import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'

/** Temporary folders made under one prefix, removed together. */
export class TempDirs {
  private readonly made: string[] = []

  constructor(private readonly prefix: string) {}

  make(): string {
    const dir = mkdtempSync(join(tmpdir(), `p2pchat-${this.prefix}-`))
    this.made.push(dir)
    return dir
  }

  removeAll(): void {
    for (const dir of this.made.splice(0)) {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * Temporary folders for the tests of one file: call once at the top of the file, then `tempDir()` in a test.
 * Every folder a test made is removed after it, whether it passed or not.
 */
export function tempDirs(prefix: string): () => string {
  const dirs = new TempDirs(prefix)
  afterEach(() => dirs.removeAll())
  return () => dirs.make()
}

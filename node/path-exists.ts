import { stat } from 'node:fs/promises'

/** Whether anything exists at `path` (a stat that fails for any reason counts as no). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

import { afterEach } from 'vitest'
import { MessageArchive, type MessageArchiveInit } from '../../../node/history.ts'
import { ChatStore } from '../../../node/store.ts'
import { TempDirs } from '../../support/temp-dirs.ts'

/**
 * Message archives for the tests of one file: `openArchive` starts one over a store in `dir` (in memory only
 * without one). After each test every archive is closed first, then the folders are removed.
 */
export function archives(prefix: string): {
  tempDir: () => string
  openArchive: (dir: string | undefined, init: Omit<MessageArchiveInit, 'disk'>) => Promise<MessageArchive>
} {
  const dirs = new TempDirs(prefix)
  const open: MessageArchive[] = []
  afterEach(async () => {
    for (const a of open.splice(0)) {
      await a.close()
    }
    dirs.removeAll()
  })
  return {
    tempDir: () => dirs.make(),
    openArchive: async (dir, init) => {
      const a = new MessageArchive({ disk: dir == null ? undefined : await ChatStore.open(dir), ...init })
      open.push(a)
      await a.start()
      return a
    }
  }
}

import { identify } from '@libp2p/identify'
import { createLibp2p } from 'libp2p'
import { describe, expect, it } from 'vitest'
import { chatGossipsub } from '../../../node/libp2p.ts'
import { deletionNotices } from '../../../protocols/deletion/deletion.ts'
import { lobby } from '../../../protocols/lobby/lobby.ts'
import { notices } from '../../../protocols/notice/notice.ts'

class StartFailure extends Error {}

describe('a start that fails', () => {
  it('reports its own error, not one from services stopping before gossipsub ever started', async () => {
    const node = await createLibp2p({
      start: false,
      services: {
        identify: identify(),
        pubsub: chatGossipsub(),
        lobby: lobby(),
        notices: notices(),
        deletion: deletionNotices(),
        // fails before any service starts, so gossipsub has not started when libp2p stops everything again
        failing: () => ({
          beforeStart: () => {
            throw new StartFailure('the real reason')
          },
          start: () => {},
          stop: () => {}
        })
      }
    })
    await expect(node.start()).rejects.toThrow('the real reason')
    expect(node.status).toBe('stopped')
  })
})

import type { Connection, Stream, StreamHandler } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { lpStream } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { encodeNotice, type RelayNotice } from '../../../protocols/notice/codec.ts'
import { type NoticeComponents, NoticeService } from '../../../protocols/notice/notice.ts'
import { streamPairs, twoPeerIds } from '../protocols/stream-pairs.ts'

const pair = streamPairs()

/** A NoticeService on fake components that keeps its stream handler, so a test can feed it streams. */
async function startedService(
  openStream?: () => Promise<Stream>
): Promise<{ service: NoticeService; handler: StreamHandler }> {
  let handler: StreamHandler | undefined
  const components = {
    connectionManager: { openStream },
    pubsub: { topicValidators: new Map(), addEventListener: () => {}, removeEventListener: () => {} },
    registrar: {
      handle: async (_protocol: string, h: StreamHandler) => {
        handler = h
      },
      unhandle: async () => {}
    },
    logger: defaultLogger()
  } as unknown as NoticeComponents
  const service = new NoticeService(components)
  await service.start()
  if (handler == null) {
    throw new Error('no handler registered')
  }
  return { service, handler }
}

describe('a notice sent on a stream', () => {
  it('reaches the listener even when the relay hangs up right after writing it (as it does after a kick or ban)', async () => {
    const [relay, client] = await twoPeerIds()
    const { service, handler } = await startedService()
    const heard: RelayNotice[] = []
    service.addEventListener('notice', (evt) => heard.push(evt.detail.notice))

    const [outbound, inbound] = await pair()
    const notice: RelayNotice = { kind: 'banned', ts: Date.now(), peer: client.toString(), text: 'flooding' }
    // the relay's hang-up lands while the client closes its end: the close fails
    inbound.close = async () => {
      throw new Error('connection closed')
    }
    const serving = Promise.resolve(handler(inbound, { remotePeer: relay } as unknown as Connection))
    await lpStream(outbound).write(encodeNotice(notice))
    await serving

    expect(heard).toEqual([notice])
  })

  it('is sent only once the client has read it: a relay hanging up sooner could have cut it off', async () => {
    const [relay, client] = await twoPeerIds()
    const [outbound, inbound] = await pair()
    const sender = await startedService(async () => outbound)
    const receiver = await startedService()
    const heard: RelayNotice[] = []
    receiver.service.addEventListener('notice', (evt) => heard.push(evt.detail.notice))
    const notice: RelayNotice = { kind: 'kicked', ts: Date.now(), peer: client.toString(), text: '' }

    let sent = false
    const sending = sender.service.send(client, notice).then(() => {
      sent = true
    })
    // the bytes are on their way and the relay closed its end, but nobody read them yet
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sent).toBe(false)

    await receiver.handler(inbound, { remotePeer: relay } as unknown as Connection)
    await sending
    expect(heard).toEqual([notice])
    expect(sent).toBe(true)
  })
})

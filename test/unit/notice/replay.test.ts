import { generateKeyPair } from '@libp2p/crypto/keys'
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import {
  encodeNotice,
  MAX_NOTICE_AGE_MS,
  NOTICE_TOPIC,
  NoticeReplayGuard,
  type RelayNotice
} from '../../../protocols/notice/index.ts'
import { validateFresh } from '../../../protocols/notice/notice.ts'

const departed = (ts: number, peer = '12D3KooWdave'): RelayNotice => ({ kind: 'departed', ts, peer, text: '' })

describe('relay notice replay guard', () => {
  it('drops a notice older than the window and a repeat of one within it', () => {
    const guard = new NoticeReplayGuard()
    const now = 10_000_000
    expect(guard.accept('relay', departed(now - MAX_NOTICE_AGE_MS - 1), now)).toBe(false)
    expect(guard.accept('relay', departed(now - 1000), now)).toBe(true)
    // the same signed notice replayed later (after gossipsub forgot its id)
    expect(guard.accept('relay', departed(now - 1000), now + 60_000)).toBe(false)
    expect(guard.accept('relay', { kind: 'shutdown', ts: now - 1000, seconds: 0, text: 'bye' }, now)).toBe(true)
    expect(guard.accept('relay', departed(now - 1000, '12D3KooWerin'), now)).toBe(true)
  })

  it('stays bounded per sender and in senders; a flooding sender does not evict the relay entries', () => {
    const guard = new NoticeReplayGuard({ perSender: 4, senders: 3 })
    const now = 10_000_000
    expect(guard.accept('relay', departed(now), now)).toBe(true)
    for (let i = 0; i < 100; i++) {
      guard.accept('mallory', departed(now - i), now)
    }
    expect(guard.accept('relay', departed(now), now)).toBe(false)
  })
})

describe('notice gossip validator', () => {
  it('ignores a validly encoded notice that is stale, so a replay is not forwarded either', async () => {
    const key = await generateKeyPair('Ed25519')
    const message = (notice: RelayNotice): Message => ({
      type: 'signed',
      from: peerIdFromPrivateKey(key),
      key: key.publicKey,
      topic: NOTICE_TOPIC,
      data: encodeNotice(notice),
      sequenceNumber: 1n,
      signature: new Uint8Array(64)
    })
    const peer = peerIdFromPrivateKey(key).toString()
    expect(validateFresh(message(departed(Date.now(), peer)))).toBe(TopicValidatorResult.Accept)
    expect(validateFresh(message(departed(Date.now() - MAX_NOTICE_AGE_MS - 1000, peer)))).toBe(
      TopicValidatorResult.Ignore
    )
  })
})

import { randomUUID } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { encodeContent, encodeSealedDm } from '../../protocols/dm/codec.ts'
import { decodeResponse, encodeRequest } from '../../protocols/prekeys/codec.ts'
import { PREKEYS_PROTOCOL } from '../../protocols/prekeys/constants.ts'
import { createPrekeyStore, decodeBundle, identityFromSeed, SessionBook } from '../../protocols/session/index.ts'
import { exchange, frame, type RawNode } from './raw-node.ts'

/**
 * What a hostile raw node needs to send DMs a p2pchat peer takes: its victim's prekey bundle, fetched over the
 * prekeys protocol, and a session of its own. `seal` returns a whole DM frame (length prefix included).
 */
export async function sealerFor(
  node: RawNode,
  key: PrivateKey,
  victim: { addrs: string[]; peerId: string }
): Promise<{ seal: (text: string, fields?: { id?: string; senderName?: string; ts?: number }) => Uint8Array }> {
  const stream = await node.dialProtocol(multiaddr(victim.addrs[0]), PREKEYS_PROTOCOL, {
    signal: AbortSignal.timeout(10_000)
  })
  const reply = await exchange(stream, [frame(encodeRequest({ op: 'get', peer: new Uint8Array(0) }))])
  const answer = decodeResponse(reply.frames[0])
  if (!answer.ok) {
    throw new Error(`no bundle: ${answer.code} ${answer.message}`)
  }
  const bundle = decodeBundle(answer.bundle)
  const identity = identityFromSeed(new Uint8Array(key.raw.subarray(0, 32)))
  const book = new SessionBook(identity, createPrekeyStore(identity, Date.now()))
  const victimKey = peerIdFromString(victim.peerId).publicKey?.raw ?? new Uint8Array(32)
  if (peerIdFromPrivateKey(key).equals(node.peerId) === false) {
    throw new Error('the key must be the raw node’s own')
  }
  return {
    seal: (text, fields = {}) => {
      const id = fields.id ?? randomUUID()
      const content = encodeContent({
        kind: 'message',
        dm: { id, ts: fields.ts ?? Date.now(), senderName: fields.senderName ?? 'mallory', text }
      })
      const { sealed } = book.encrypt(victimKey, new Uint8Array(content), bundle)
      return frame(encodeSealedDm(id, sealed))
    }
  }
}

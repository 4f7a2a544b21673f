/** Sealing and opening DM contents with the account's sessions; PeerIds and identity keys converted here. */
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { identityKeyOf } from '../../protocols/prekeys/index.ts'
import type { PrekeyBundle } from '../../protocols/session/index.ts'
import type { EndToEnd } from '../sessions/end-to-end.ts'
import { NoPrekeysError } from './errors.ts'

/** The identity key of a peer that can take sealed DMs (Ed25519 PeerIds only). */
export function identityKey(peer: PeerId): Uint8Array {
  const key = identityKeyOf(peer)
  if (key == null) {
    throw new NoPrekeysError(`${peer} is not an Ed25519 identity: DMs to it cannot be end-to-end encrypted`)
  }
  return key
}

/** The PeerId of the sender a sealed message named. */
export function peerOfIdentity(key: Uint8Array): PeerId {
  return peerIdFromPublicKey(publicKeyFromRaw(key))
}

/** Seals `plaintext` for `peer`, asking `findBundle` for its prekeys when there is no session yet. */
export async function sealFor(
  e2e: EndToEnd,
  peer: PeerId,
  plaintext: Uint8Array,
  findBundle: () => Promise<PrekeyBundle | undefined>
): Promise<Uint8Array> {
  const key = identityKey(peer)
  if (e2e.hasSession(key)) {
    return e2e.encrypt(key, plaintext)
  }
  const bundle = await findBundle()
  if (bundle == null) {
    throw new NoPrekeysError(`no session with ${peer} yet, and neither it nor its relays handed out its prekeys`)
  }
  return e2e.encrypt(key, plaintext, bundle)
}

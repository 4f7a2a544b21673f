import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import {
  DirectMessages,
  DM_PROTOCOL,
  decodeContent,
  decodeDmFrame,
  encodeContent,
  encodeSealedDm
} from '../../../protocols/dm/index.ts'
import { DmContent } from '../../../protocols/dm/pb/dm.ts'
import {
  decodeRequest as decodePrekeyRequest,
  decodeResponse as decodePrekeyResponse,
  encodeRequest as encodePrekeyRequest,
  encodeResponse as encodePrekeyResponse,
  PREKEYS_PROTOCOL,
  PrekeyService
} from '../../../protocols/prekeys/index.ts'
import {
  bundleFrom,
  createPrekeyStore,
  DuplicateMessageError,
  decodePublished,
  encodeBundle,
  encodePublished,
  InvalidPrekeyError,
  InvalidSessionMessageError,
  identityFromSeed,
  publishedPrekeys,
  SessionBook,
  SessionDecryptError,
  TooManySkippedError
} from '../../../protocols/session/index.ts'
import { unreachable } from '../fakes.ts'
import { bytesFrom } from '../mutate.ts'
import { defineTarget, type Target } from '../target.ts'
import { chatLine, decoderSpec, isDecodeError } from './codecs.ts'
import { handlerTarget } from './handlers.ts'

const NOW = 1_700_000_000_000
const alice = identityFromSeed(new Uint8Array(32).fill(3))
const bob = identityFromSeed(new Uint8Array(32).fill(4))

interface Corpus {
  published: Uint8Array
  bundle: Uint8Array
  sealedDms: Uint8Array[]
  bobBook: () => SessionBook
}

let corpus: Corpus | undefined

function directCorpus(): Corpus {
  if (corpus != null) return corpus
  const store = createPrekeyStore(bob, NOW)
  const published = publishedPrekeys(bob, store)
  const bundle = bundleFrom(published)
  const aliceBook = new SessionBook(alice, createPrekeyStore(alice, NOW))
  const sealedDms = ['hi', 'there'].map((text, i) => {
    const content = encodeContent({ kind: 'message', dm: { id: `dm${i}`, ts: NOW, senderName: 'alice', text } })
    return encodeSealedDm(`dm${i}`, aliceBook.encrypt(bob.publicKey, new Uint8Array(content), bundle).sealed)
  })
  corpus = {
    published: encodePublished(published),
    bundle: encodeBundle(bundle),
    sealedDms,
    bobBook: () => new SessionBook(bob, store)
  }
  return corpus
}

const isSessionError = (err: unknown): boolean =>
  err instanceof InvalidSessionMessageError ||
  err instanceof SessionDecryptError ||
  err instanceof DuplicateMessageError ||
  err instanceof TooManySkippedError ||
  err instanceof InvalidPrekeyError

const prekeyRequests = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((peer) => encodePrekeyRequest({ op: 'get', peer: new Uint8Array(peer) })),
  fc.constant(0).map(() => encodePrekeyRequest({ op: 'publish', prekeys: new Uint8Array(directCorpus().published) }))
)

const contents = fc.oneof(
  // raw fields, odd ones included: the encoder would refuse some of them
  chatLine.map((m) => DmContent.encode({ ...m, delivered: [] })),
  fc
    .array(fc.uuid(), { minLength: 1, maxLength: 4 })
    .map((ids) => encodeContent({ kind: 'receipt', id: 'r1', delivered: ids }))
)

export const directTargets: Target[] = [
  defineTarget('dm.decodeDmFrame', 'decoder', async () =>
    decoderSpec(fc.constantFrom(...directCorpus().sealedDms), (b) => decodeDmFrame(b, NOW))
  ),
  defineTarget('dm.decodeContent', 'decoder', async () => decoderSpec(contents, (b) => decodeContent(b, NOW))),
  defineTarget('prekeys.decodeRequest', 'decoder', async () =>
    decoderSpec(prekeyRequests, decodePrekeyRequest, isDecodeError)
  ),
  defineTarget('prekeys.decodeResponse', 'decoder', async () =>
    decoderSpec(
      fc.constant(0).map(() => encodePrekeyResponse({ ok: true, bundle: new Uint8Array(directCorpus().bundle) })),
      decodePrekeyResponse,
      isDecodeError
    )
  ),
  defineTarget('session.decodePublished', 'decoder', async () =>
    decoderSpec(
      fc.constant(0).map(() => directCorpus().published),
      decodePublished,
      (err) => err instanceof InvalidSessionMessageError
    )
  ),
  handlerTarget('prekeys.handler', PREKEYS_PROTOCOL, async (registrar, pool) => {
    const service = new PrekeyService(
      {
        peerId: pool.peers[0],
        registrar: registrar.asRegistrar(),
        connectionManager: unreachable(),
        logger: defaultLogger()
      },
      { hold: true, self: () => publishedPrekeys(bob, createPrekeyStore(bob, NOW)) }
    )
    await service.start()
    return fc.array(bytesFrom(prekeyRequests), { minLength: 1, maxLength: 1 })
  }),
  handlerTarget('dm.sealedHandler', DM_PROTOCOL, async (registrar, _pool, reported) => {
    const book = directCorpus().bobBook()
    const dm = new DirectMessages(
      { registrar: registrar.asRegistrar(), connectionManager: unreachable(), logger: defaultLogger() },
      {
        timeoutMs: 1000,
        idleTimeoutMs: 1000,
        // what the node does, without its disk: open, then decode what was inside
        openSealed: async (_peer, _id, sealed) => {
          try {
            decodeContent(book.decrypt(sealed).plaintext, NOW)
            return { status: 'ok', reason: '' }
          } catch (err) {
            if (isSessionError(err)) return { status: 'undecryptable', reason: 'could not decrypt' }
            if (isDecodeError(err)) return { status: 'invalid', reason: 'bad content' }
            throw err
          }
        }
      }
    )
    dm.addEventListener('protocol-error', (evt) => reported.add(evt.detail.error))
    await dm.start()
    return fc.array(bytesFrom(fc.constantFrom(...directCorpus().sealedDms)), { minLength: 1, maxLength: 3 })
  })
]

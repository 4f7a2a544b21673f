import { defaultLogger } from '@libp2p/logger'
import fc from 'fast-check'
import {
  decodeRequest as decodeMailboxRequest,
  decodeResponse as decodeMailboxResponse,
  encodeRequest as encodeMailboxRequest,
  encodeResponse as encodeMailboxResponse,
  MAILBOX_PROTOCOL,
  MailboxServer
} from '../../../protocols/mailbox/index.ts'
import {
  bundleFrom,
  createPrekeyStore,
  DuplicateMessageError,
  decodeBundle,
  decodeEnvelope,
  decodePrekeyStore,
  decodeSession,
  encodeBundle,
  encodeEnvelope,
  encodePrekeyStore,
  encodeSession,
  encryptMessage,
  InvalidPrekeyError,
  InvalidSessionMessageError,
  identityFromSeed,
  publishedPrekeys,
  SessionBook,
  SessionDecryptError,
  startSession,
  TooManySkippedError,
  unseal
} from '../../../protocols/session/index.ts'
import { bytesFrom } from '../mutate.ts'
import { defineTarget, type Target } from '../target.ts'
import { decoderSpec, isDecodeError } from './codecs.ts'
import { handlerTarget } from './handlers.ts'

/** Fixed identities, so the corpus is the same every run (prekeys and ephemeral keys are random, the shapes are not). */
const alice = identityFromSeed(new Uint8Array(32).fill(1))
const bob = identityFromSeed(new Uint8Array(32).fill(2))

interface Corpus {
  envelope: Uint8Array
  bundle: Uint8Array
  session: Uint8Array
  prekeys: Uint8Array
  sealed: Uint8Array[]
  bobBook: () => SessionBook
}

let corpus: Corpus | undefined

function sessionCorpus(): Corpus {
  if (corpus != null) return corpus
  const store = createPrekeyStore(bob, 1_700_000_000_000)
  const bundle = bundleFrom(publishedPrekeys(bob, store))
  const first = encryptMessage(startSession(alice, bundle), new TextEncoder().encode('hello'))
  const aliceBook = new SessionBook(alice, createPrekeyStore(alice, 1_700_000_000_000))
  const sealed = [1, 2, 3].map((i) => aliceBook.encrypt(bob.publicKey, new Uint8Array([i]), bundle).sealed)
  corpus = {
    envelope: encodeEnvelope(first.envelope),
    bundle: encodeBundle(bundle),
    session: encodeSession(first.session),
    prekeys: encodePrekeyStore(store),
    sealed,
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

function sessionDecoder(name: string, sample: (c: Corpus) => Uint8Array, decode: (b: Uint8Array) => unknown): Target {
  return defineTarget(name, 'decoder', async () =>
    decoderSpec(fc.constant(sample(sessionCorpus())), decode, (err) => err instanceof InvalidSessionMessageError)
  )
}

const mailboxRequests = fc.oneof(
  fc
    .record({
      recipient: fc.uint8Array({ minLength: 1, maxLength: 40 }),
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      envelope: fc.uint8Array({ minLength: 1, maxLength: 300 })
    })
    .map((d) =>
      encodeMailboxRequest({
        op: 'deposit',
        recipient: new Uint8Array(d.recipient),
        id: new Uint8Array(d.id),
        envelope: new Uint8Array(d.envelope)
      })
    ),
  fc.nat(300).map((limit) => encodeMailboxRequest({ op: 'fetch', limit })),
  fc
    .array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { maxLength: 4 })
    .map((ids) => encodeMailboxRequest({ op: 'delete', ids: ids.map((i) => new Uint8Array(i)) }))
)

const mailboxResponses = fc
  .array(
    fc.record({
      id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      envelope: fc.uint8Array({ maxLength: 200 }),
      depositedAt: fc.nat()
    }),
    { maxLength: 3 }
  )
  .map((mail) =>
    encodeMailboxResponse({
      ok: true,
      count: mail.length,
      mail: mail.map((m) => ({ ...m, id: new Uint8Array(m.id), envelope: new Uint8Array(m.envelope) }))
    })
  )

export const sessionTargets: Target[] = [
  sessionDecoder('session.decodeEnvelope', (c) => c.envelope, decodeEnvelope),
  sessionDecoder('session.decodeBundle', (c) => c.bundle, decodeBundle),
  sessionDecoder('session.decodeSession', (c) => c.session, decodeSession),
  sessionDecoder('session.decodePrekeyStore', (c) => c.prekeys, decodePrekeyStore),
  defineTarget('session.unseal', 'decoder', async () => {
    const c = sessionCorpus()
    return decoderSpec(fc.constantFrom(...c.sealed), (b) => unseal(bob, b), isSessionError)
  }),
  defineTarget('session.bookDecrypt', 'decoder', async () => {
    const c = sessionCorpus()
    return {
      input: fc.array(bytesFrom(fc.constantFrom(...c.sealed)), { minLength: 1, maxLength: 3 }),
      run: (messages: Uint8Array[]) => {
        const book = c.bobBook()
        for (const m of messages) {
          try {
            book.decrypt(m)
          } catch (err) {
            if (!isSessionError(err)) throw err
          }
        }
      },
      expected: isSessionError
    }
  }),
  defineTarget('mailbox.decodeRequest', 'decoder', async () =>
    decoderSpec(mailboxRequests, decodeMailboxRequest, isDecodeError)
  ),
  defineTarget('mailbox.decodeResponse', 'decoder', async () =>
    decoderSpec(mailboxResponses, decodeMailboxResponse, isDecodeError)
  ),
  handlerTarget('mailbox.handler', MAILBOX_PROTOCOL, async (registrar) => {
    const server = new MailboxServer({ registrar: registrar.asRegistrar(), logger: defaultLogger() })
    await server.start()
    return fc.array(bytesFrom(mailboxRequests), { minLength: 1, maxLength: 1 })
  })
]

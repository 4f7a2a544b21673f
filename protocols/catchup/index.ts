export type { Fetched } from './client.ts'
export {
  decodeRequest,
  decodeResponseFrame,
  decodeSignedGossip,
  encodeRequest,
  encodeResponseFrame,
  encodeSignedGossip,
  type Request,
  type ResponseFrame,
  type SignedGossip
} from './codec.ts'
export {
  CATCH_UP_PROTOCOL,
  CATCH_UP_WINDOW_MS,
  MAX_MESSAGES_PER_CONVERSATION,
  MAX_RESPONSE_BYTES,
  PEER_STORE_BYTES,
  PEER_STORE_CONVERSATIONS,
  RELAY_STORE_BYTES,
  RELAY_STORE_CONVERSATIONS
} from './constants.ts'
export { gossipOf, signGossip, verifyGossip } from './envelope.ts'
export { CATCH_UP_ERROR_CODES, CatchUpRateLimitedError, CatchUpRefusedError, ForgedMessageError } from './errors.ts'
export type { ServePolicy } from './server.ts'
export { type CatchUpComponents, type CatchUpInit, CatchUpService, catchUp } from './service.ts'
export { CatchUpStore, type CatchUpStoreInit, type KeptMessage } from './store.ts'

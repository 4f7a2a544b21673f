export { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './codec.ts'
export { MAX_HELD, MAX_HELD_PER_IP, PREKEYS_PROTOCOL } from './constants.ts'
export { type PrekeyErrorCode, PrekeyRefusedError } from './errors.ts'
export { BundleBudgets, type HandedOut, PrekeyHolder } from './holder.ts'
export {
  identityKeyOf,
  PrekeyService,
  type PrekeyServiceComponents,
  type PrekeyServiceInit,
  prekeyService
} from './prekeys.ts'

// Public surface of the STUN pieces: the binding codec (the relay's responder uses it) and `/p2pchat/stun/1.0.0`,
// on which a relay tells its clients where that responder listens.

export { decodeStunInfo, encodeStunInfo } from './codec.ts'
export * from './constants.ts'
export { StunInfoError } from './errors.ts'
export { ipBytes } from './ip.ts'
export {
  type BindingRequest,
  type BindingResponse,
  crc32,
  decodeBindingRequest,
  decodeBindingSuccess,
  encodeBindingSuccess,
  encodeXorMappedAddress,
  type MappedAddress
} from './message.ts'
export {
  fetchStunPort,
  StunInfoServer,
  type StunInfoServerComponents,
  type StunInfoServerInit,
  stunInfoServer
} from './stun-info.ts'

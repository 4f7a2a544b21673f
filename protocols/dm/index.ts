export { type Ack, type AckStatus, type Dm, decodeAck, decodeDm, encodeAck, encodeDm } from './codec.ts'
export { DM_PROTOCOL, DM_TIMEOUT_MS, MAX_INBOUND_STREAMS } from './constants.ts'
export {
  DirectMessages,
  type DirectMessagesComponents,
  type DirectMessagesEvents,
  type DirectMessagesInit,
  directMessages
} from './dm.ts'
export { DeliveryFailedError, DeliveryRefusedError } from './errors.ts'

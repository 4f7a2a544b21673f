export {
  type Ack,
  type AckStatus,
  type Dm,
  type DmContentValue,
  type DmFrame,
  decodeAck,
  decodeContent,
  decodeDm,
  decodeDmFrame,
  encodeAck,
  encodeContent,
  encodeDm,
  encodeSealedDm
} from './codec.ts'
export { DM_PROTOCOL, DM_TIMEOUT_MS, MAX_INBOUND_STREAMS, MAX_RECEIPT_IDS, MAX_SEALED_BYTES } from './constants.ts'
export {
  DirectMessages,
  type DirectMessagesComponents,
  type DirectMessagesEvents,
  type DirectMessagesInit,
  directMessages
} from './dm.ts'
export { DeliveryFailedError, DeliveryRefusedError, UndecryptableError } from './errors.ts'

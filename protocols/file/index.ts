export { chooseChunkSize, chunkCount, chunkLength, isValidChunkSize } from './chunks.ts'
export {
  checkChunkHashes,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  isTransferId,
  type Offer,
  type Request,
  type Response,
  type ResponseStatus
} from './codec.ts'
export * from './constants.ts'
export { TRANSFER_ERROR_CODES } from './error-codes.ts'
export * from './errors.ts'
export {
  type Download,
  type FetchReply,
  type FileRequestHandler,
  FileTransfer,
  type FileTransferComponents,
  type FileTransferEvents,
  type FileTransferInit,
  fileTransfer,
  type Reply
} from './file.ts'

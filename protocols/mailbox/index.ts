export { MailboxBook, RateLimiter, type StoredMail } from './book.ts'
export { MailboxClient, type MailboxClientComponents } from './client.ts'
export { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type FetchedMail } from './codec.ts'
export { MAILBOX_DEFAULTS, MAILBOX_PROTOCOL, type MailboxSettings } from './constants.ts'
export { type MailboxErrorCode, MailboxRefusedError } from './errors.ts'
export {
  MailboxServer,
  type MailboxServerComponents,
  type MailboxServerInit,
  type MailPersistence,
  recipientKey
} from './server.ts'

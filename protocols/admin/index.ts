export {
  type AdminHandler,
  type AdminRequestLog,
  type AdminResult,
  AdminServer,
  type AdminServerComponents,
  type AdminServerEvents,
  type AdminServerInit,
  adminServer,
  sendAdminCommand
} from './admin.ts'
export {
  type AdminReply,
  type AdminRow,
  type BanRow,
  decodeCommand,
  decodeReply,
  decodeRequest,
  encodeCommand,
  encodeReply,
  encodeRequest,
  type SettingRow,
  type UserRow
} from './codec.ts'
export {
  ADMIN_COMMANDS,
  type AdminCommandName,
  type AdminCommandSpec,
  checkCommand,
  isAdminCommandName
} from './commands.ts'
export {
  ADMIN_PROTOCOL,
  ADMIN_TIMEOUT_MS,
  FRESHNESS_WINDOW_MS,
  MAX_INBOUND_STREAMS,
  MAX_REQUEST_BYTES,
  REFUSAL_REPORT_BUDGET
} from './constants.ts'
export { ADMIN_ERROR_CODES, type AdminErrorCode, AdminRefusedError, isAdminErrorCode } from './errors.ts'
export { ReplayCache } from './replay-cache.ts'
export { signRequest, type VerifiedCommand, type VerifyContext, verifyRequest } from './signing.ts'

export { BanLists, nextBanListVersion } from './ban-list.ts'
export {
  type BanListData,
  decodeNotice,
  encodeNotice,
  isDepartureNotice,
  type NoticeKind,
  type RelayNotice
} from './codec.ts'
export { MAX_BANS, MAX_NOTICE_AGE_MS, MAX_SHUTDOWN_SECONDS, NOTICE_PROTOCOL, NOTICE_TOPIC } from './constants.ts'
export { type NoticeComponents, type NoticeEvents, NoticeService, notices } from './notice.ts'
export { isStale, NoticeReplayGuard } from './replay.ts'

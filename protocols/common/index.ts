// What the core and the shells use of the protocols' shared base; the protocols import its files directly.

export { ipOf, splitCircuit, splitPeer } from './addrs.ts'
export { BoundedMap } from './bounded-map.ts'
export { BoundedSet } from './bounded-set.ts'
export {
  describeSuppressed,
  ReportBudget,
  type ReportBudgetInit,
  ReportLimiter,
  type SuppressedReports
} from './budget.ts'
export { optionalComponent } from './components.ts'
export type { SenderSeq } from './decode.ts'
export { abortableDelay } from './delay.ts'
export {
  EmptyMessageError,
  errorMessage,
  InvalidMessageError,
  InvalidNameError,
  MessageTooLargeError
} from './errors.ts'
export { endedEarly } from './frames.ts'
export { MAX_CLOCK_SKEW_MS, MAX_FRAME_BYTES, MAX_TEXT_BYTES } from './limits.ts'
export { isValidName, MAX_NAME_LENGTH, nameSkeleton, validateName } from './names.ts'
export { utf8Length, validateText } from './text.ts'

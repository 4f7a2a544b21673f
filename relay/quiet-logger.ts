import type { ComponentLogger, Logger } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'

/**
 * libp2p creates a logger (three debug instances with their closures) for every connection, stream and muxer it
 * opens: about 10 per client on a relay, a tenth of its memory per idle client while nobody reads them. With debug
 * logging off (no `DEBUG`), every component gets one shared logger that does nothing; with it on, the usual ones.
 */
export function quietLogger(debug: string | undefined): ComponentLogger {
  if (debug != null && debug.trim() !== '') {
    return defaultLogger()
  }
  return { forComponent: () => SILENT }
}

const nothing = (): void => {}

/** The logger every component shares when debug logging is off. */
export const SILENT: Logger = Object.assign((..._args: unknown[]): void => {}, {
  error: nothing,
  trace: nothing,
  enabled: false,
  newScope: (): Logger => SILENT
})

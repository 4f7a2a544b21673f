import { describe, expect, it } from 'vitest'
import { quietLogger, SILENT } from '../../../relay/quiet-logger.ts'

describe('quietLogger', () => {
  it('gives every component and scope the one shared no-op logger when debug logging is off', () => {
    for (const debug of [undefined, '', '  ']) {
      const logger = quietLogger(debug)
      const log = logger.forComponent('libp2p:yamux')
      expect(log).toBe(SILENT)
      expect(logger.forComponent('p2pchat:relay')).toBe(log)
      expect(log.newScope('stream')).toBe(log)
      expect(log.enabled).toBe(false)
      expect(() => log('%s', 'x')).not.toThrow()
    }
  })

  it('keeps the real loggers when DEBUG is set', () => {
    expect(quietLogger('libp2p:*').forComponent('libp2p:yamux')).not.toBe(SILENT)
  })
})

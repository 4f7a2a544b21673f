import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Fleet, saveFailedLogs } from '../../e2e/harness/chaos.ts'
import type { JsonEvent, JsonProcess } from '../../e2e/harness/process.ts'

const made: string[] = []

afterEach(() => {
  delete process.env.P2PCHAT_CHAOS_LOGS
  for (const dir of made.splice(0)) {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** A process as the fleet sees it: its events and stderr, never exiting. */
function fakeProcess(events: JsonEvent[], stderr: string[]): JsonProcess<JsonEvent> {
  return {
    events,
    stderr,
    exited: new Promise(() => {}),
    child: { pid: undefined }
  } as unknown as JsonProcess<JsonEvent>
}

function fleetOfTwo(): Fleet {
  const fleet = new Fleet()
  fleet.track('relay', fakeProcess([{ type: 'ready' }], ['relay debug line']), 'relay-id')
  fleet.track('relay', fakeProcess([{ type: 'ready' }, { type: 'stopped' }], []), 'relay-id')
  fleet.track('alice', fakeProcess([{ type: 'message', text: 'hi' }], ['alice debug']), 'alice-id')
  return fleet
}

describe('logs of a failed chaos scenario', () => {
  it('are written per process run when the scenario failed and P2PCHAT_CHAOS_LOGS says where', () => {
    const root = mkdtempSync(join(tmpdir(), 'p2pchat-chaos-logs-'))
    made.push(root)
    process.env.P2PCHAT_CHAOS_LOGS = root
    fleetOfTwo()
    const dir = saveFailedLogs('relay hangs (SIGSTOP 20 s)', true)
    expect(dir).toBe(join(root, 'relay-hangs-SIGSTOP-20-s-'))
    expect(readdirSync(dir ?? '').sort()).toEqual(['alice.log', 'relay-2.log', 'relay.log'])
    const alice = readFileSync(join(dir ?? '', 'alice.log'), 'utf8')
    expect(alice).toBe('{"type":"message","text":"hi"}\n---STDERR---\nalice debug\n')
  })

  it('are not written for a scenario that passed, nor without a place for them, and fleets are forgotten', () => {
    const root = mkdtempSync(join(tmpdir(), 'p2pchat-chaos-logs-'))
    made.push(root)
    process.env.P2PCHAT_CHAOS_LOGS = root
    fleetOfTwo()
    expect(saveFailedLogs('passed', false)).toBeUndefined()
    // the passed scenario's fleet is gone: a later failure writes only its own
    expect(saveFailedLogs('later', true)).toBe(join(root, 'later'))
    expect(readdirSync(root)).toEqual([])
    delete process.env.P2PCHAT_CHAOS_LOGS
    fleetOfTwo()
    expect(saveFailedLogs('failed', true)).toBeUndefined()
  })
})

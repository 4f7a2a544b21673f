import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Courier, OUTBOX_TICK_MS } from '../../../node/direct/courier.ts'
import { type DmStore, memoryDmStore } from '../../../node/direct/dm-store.ts'
import type { RelayMail } from '../../../node/direct/relays.ts'
import type { ChatErrorInfo } from '../../../node/events.ts'
import type { EndToEnd } from '../../../node/sessions/end-to-end.ts'
import { DeliveryRefusedError, type DirectMessages } from '../../../protocols/dm/index.ts'

function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
}

/** A store whose writes of seen ids fail while `full` is set, like a data directory on a full disk. */
function fillableStore(): { store: DmStore; seenWrites: string[][]; disk: { full: boolean } } {
  const inner = memoryDmStore()
  const disk = { full: false }
  const seenWrites: string[][] = []
  const store: DmStore = {
    load: inner.load,
    saveOutbox: inner.saveOutbox,
    saveSeen: async (ids) => {
      if (disk.full) throw diskFull()
      seenWrites.push(ids)
      await inner.saveSeen(ids)
    }
  }
  return { store, seenWrites, disk }
}

async function courierOn(store: DmStore, init: { dms?: DirectMessages; online?: boolean } = {}) {
  const errors: ChatErrorInfo[] = []
  const courier = await Courier.open({
    relayMail: {} as RelayMail,
    dms: init.dms ?? ({} as DirectMessages),
    e2e: {} as EndToEnd,
    store,
    ourRelays: () => [],
    relaysOf: async () => [],
    isOnline: () => init.online ?? false,
    userOf: (peerId, name) => ({ peerId, name, displayName: name }),
    emit: (type, detail) => {
      if (type === 'error') errors.push(detail as ChatErrorInfo)
    },
    dmTtlMs: 60_000,
    log: defaultLogger().forComponent('test')
  })
  return { courier, errors }
}

describe('Courier on a full disk', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports DISK_FULL once instead of crashing, and stores the seen ids once there is room', async () => {
    vi.useFakeTimers()
    const { store, seenWrites, disk } = fillableStore()
    const { courier, errors } = await courierOn(store)
    courier.start()
    disk.full = true
    expect(courier.firstSight('12D3KooWsender', 'dm-1')).toBe(true)
    // before the fix the tick's rejected write was unhandled: vitest fails the run on an unhandled rejection
    await vi.advanceTimersByTimeAsync(OUTBOX_TICK_MS * 3)
    expect(errors.map((e) => e.code)).toEqual(['DISK_FULL'])
    expect(seenWrites).toEqual([])

    disk.full = false
    await vi.advanceTimersByTimeAsync(OUTBOX_TICK_MS)
    expect(seenWrites).toHaveLength(1)
    expect(seenWrites[0]).toHaveLength(1)
    expect(errors).toHaveLength(1)
    await courier.stop()
  })

  it('stops cleanly while the disk is full', async () => {
    const { store, disk } = fillableStore()
    const { courier } = await courierOn(store)
    courier.firstSight('12D3KooWsender', 'dm-2')
    disk.full = true
    await expect(courier.stop()).resolves.toBeUndefined()
  })
})

describe('Courier retrying a queued DM', () => {
  it('ends a DM its recipient refuses with DELIVERY_REFUSED instead of sending the same bytes until it expires', async () => {
    let tries = 0
    const dms = {
      sendSealed: async () => {
        tries++
        throw new DeliveryRefusedError('bob refused the message: it was opened here but never shown')
      }
    } as unknown as DirectMessages
    const { courier, errors } = await courierOn(memoryDmStore(), { dms, online: true })
    const bobId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const bob = { peerId: bobId, name: 'bob', displayName: 'bob' }
    await courier.queue({ id: 'dm-1', to: bob, sealed: new Uint8Array([1, 2, 3]), createdAt: Date.now() })
    courier.peerOnline(bob.peerId)
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['DELIVERY_REFUSED']))
    expect(errors[0]).toMatchObject({ id: 'dm-1', peerId: bob.peerId })
    // before: it stayed queued, and every retry was refused the same way
    expect(courier.list()).toEqual([])
    courier.peerOnline(bob.peerId)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(tries).toBe(1)
    await courier.stop()
  })
})

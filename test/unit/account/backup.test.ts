import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { type BackupContents, decodeBackup, encodeBackup } from '../../../node/account/backup.ts'
import { CorruptBackupError } from '../../../node/account/errors.ts'
import { defaultSettings } from '../../../node/account/settings.ts'
import { corruptedArb } from '../protocols/fuzz.ts'

let contents: BackupContents

beforeAll(async () => {
  const key = await generateKeyPair('Ed25519')
  contents = {
    key: privateKeyToProtobuf(key),
    settings: { ...defaultSettings(peerIdFromPrivateKey(key).toString(), true, 7), name: 'alice' }
  }
})

describe('backup contents', () => {
  it('round-trip', () => {
    expect(decodeBackup(encodeBackup(contents))).toEqual(contents)
  })

  it('refuses settings of another identity', async () => {
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const bytes = encodeBackup({ ...contents, settings: { ...contents.settings, peerId: other } })
    expect(() => decodeBackup(bytes)).toThrow(/another identity/)
  })

  it('returns or throws CorruptBackupError for random and mutated bytes, nothing else', () => {
    const good = encodeBackup(contents)
    const mutated = corruptedArb(good)
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        try {
          expect(decodeBackup(bytes).settings.peerId).toBe(contents.settings.peerId)
        } catch (err) {
          expect(err).toBeInstanceOf(CorruptBackupError)
        }
      }),
      { numRuns: 500 }
    )
  })
})

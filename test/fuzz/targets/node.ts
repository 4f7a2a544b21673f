import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { InvalidArgumentError } from 'commander'
import fc from 'fast-check'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { collectMultiaddr, collectRelayAddr, nameArg } from '../../../cli/args.ts'
import { HELP, parseCommand } from '../../../cli/commands.ts'
import { durationArg, sizeArg } from '../../../cli/transfer-args.ts'
import { decodeBackup, encodeBackup } from '../../../node/account/backup.ts'
import { CorruptAccountError, CorruptBackupError } from '../../../node/account/errors.ts'
import { decodeSealed, encodeSealed } from '../../../node/account/sealed.ts'
import { decodeSettings, defaultSettings, encodeSettings } from '../../../node/account/settings.ts'
import { CorruptIdentityError } from '../../../node/errors.ts'
import { parseStoredLog } from '../../../node/groups/group-store.ts'
import { TransferBook } from '../../../node/transfers/book.ts'
import { isFinal, nextState } from '../../../node/transfers/state.ts'
import { MemoryTransferStore, parseTransferRecord } from '../../../node/transfers/store.ts'
import { AdminRefusedError, checkCommand } from '../../../protocols/admin/index.ts'
import { GroupEngine, memoryPersistence } from '../../../protocols/group/engine.ts'
import { DEFAULT_CONFIG, parseSetting, validateConfig } from '../../../relay/config.ts'
import { ConfigError, SnapshotError } from '../../../relay/errors.ts'
import { decodeSnapshot, encodeSnapshot, validateState } from '../../../relay/snapshot.ts'
import { createState } from '../../../relay/state.ts'
import { NOW, nameArb, type PeerPool, sizedBytesArb } from '../fields.ts'
import { jsonBytesFrom, jsonTextFrom, lineFrom } from '../mutate-text.ts'
import { defineTarget, isNamedError, type Target } from '../target.ts'
import { sharedPool } from './codecs.ts'
import { groupLogEntries } from './group.ts'

/** A file decoder target: input from `valid`, failures of class `errorClass` only. */
function fileTarget<T>(
  name: string,
  input: (pool: PeerPool) => fc.Arbitrary<T> | Promise<fc.Arbitrary<T>>,
  decode: (input: T) => unknown,
  expected: (err: unknown) => boolean
): Target {
  return defineTarget(name, 'decoder', async () => ({
    input: await input(await sharedPool()),
    run: (value: T) => {
      decode(value)
    },
    expected
  }))
}

function settingsOf(pool: PeerPool): fc.Arbitrary<unknown> {
  return fc
    .record({
      who: fc.nat({ max: pool.peers.length - 1 }),
      name: fc.option(nameArb, { nil: undefined }),
      blocked: fc.array(fc.tuple(fc.nat({ max: pool.peers.length - 1 }), nameArb), { maxLength: 3 })
    })
    .map(({ who, name, blocked }) => {
      const s = defaultSettings(pool.peers[who].toString(), true, NOW)
      const list = blocked.map(([i, n]) => ({ peerId: pool.peers[i].toString(), name: n, since: NOW }))
      return JSON.parse(new TextDecoder().decode(encodeSettings({ ...s, ...(name ? { name } : {}), blocked: list })))
    })
}

function sealedOf(purpose: 'key' | 'backup'): fc.Arbitrary<unknown> {
  return fc
    .record({
      logN: fc.integer({ min: 10, max: 22 }),
      salt: sizedBytesArb(16),
      nonce: sizedBytesArb(24),
      ciphertext: sizedBytesArb(80)
    })
    .map((s) =>
      JSON.parse(new TextDecoder().decode(encodeSealed({ purpose, kdf: { logN: s.logN, r: 8, p: 1 }, ...s })))
    )
}

function snapshotOf(pool: PeerPool): unknown {
  const state = createState({
    peerId: pool.peers[0].toString(),
    name: 'relay',
    description: 'a relay',
    createdAt: NOW,
    admins: [pool.peers[1].toString()],
    settings: DEFAULT_CONFIG
  })
  state.bans.push({ peerId: pool.peers[2].toString(), name: 'mallory', reason: 'spam', by: '', at: NOW })
  state.users.push({ peerId: pool.peers[3].toString(), name: 'bob', firstSeen: NOW, lastSeen: NOW })
  return JSON.parse(encodeSnapshot({ seq: 3, savedAt: NOW, state }))
}

/** Input lines from every usage line of /help, placeholders filled in. */
const helpLines = fc.constantFrom(
  ...HELP.map(([usage]) => usage.replace(/<([^>|]+)[^>]*>/g, (_, word: string) => `${word}1`).replace(/[[\]]/g, ''))
)

function isInvalidArgument(err: unknown): boolean {
  return err instanceof InvalidArgumentError
}

function transferRecordOf(pool: PeerPool): fc.Arbitrary<unknown> {
  return fc.constantFrom('in', 'out').map((direction) => ({
    id: '0123456789abcdef0123',
    direction,
    peerId: pool.peers[1].toString(),
    peerName: 'bob',
    name: 'photo.jpg',
    size: 5_000_000,
    sha256: '00'.repeat(32),
    chunkSize: 1024 * 1024,
    createdAt: NOW,
    expiresAt: NOW + 3_600_000,
    state: 'waiting',
    bytes: 0,
    updatedAt: NOW,
    error: { code: 'X', message: 'y' }
  }))
}

/** A loaded record is then listed and resumed: what `/transfers` and a restart do with it. */
function useTransferRecord(text: string, book: TransferBook): void {
  let rec: ReturnType<typeof parseTransferRecord>
  try {
    rec = parseTransferRecord(text, '0123456789abcdef0123.json')
  } catch {
    // the loader skips (and logs) every record that does not parse
    return
  }
  book.records.set(rec.id, rec)
  JSON.stringify(book.info(rec))
  isFinal(rec.state)
  nextState(rec.state, 'interrupt')
  book.records.clear()
}

export const nodeTargets: Target[] = [
  fileTarget(
    'account.decodeSettings',
    (p) => jsonBytesFrom(settingsOf(p)),
    decodeSettings,
    (e) => e instanceof CorruptAccountError
  ),
  fileTarget(
    'account.decodeSealed',
    () => jsonBytesFrom(fc.oneof(sealedOf('key'), sealedOf('backup'))),
    (b) => decodeSealed(b, 'key'),
    (e) => e instanceof CorruptIdentityError
  ),
  fileTarget(
    'account.decodeBackup',
    (p) =>
      jsonBytesFrom(
        fc.tuple(fc.nat({ max: p.peers.length - 1 }), settingsOf(p)).map(([i]) => {
          const settings = defaultSettings(p.peers[i].toString(), true, NOW)
          return JSON.parse(new TextDecoder().decode(encodeBackup({ key: privateKeyToProtobuf(p.keys[i]), settings })))
        })
      ),
    decodeBackup,
    (e) => e instanceof CorruptBackupError
  ),
  defineTarget('transfers.loadRecord', 'decoder', async () => {
    const pool = await sharedPool()
    const book = new TransferBook(
      new MemoryTransferStore(),
      { onlineName: () => undefined },
      defaultLogger().forComponent('fuzz')
    )
    return { input: jsonTextFrom(transferRecordOf(pool)), run: (text: string) => useTransferRecord(text, book) }
  }),
  defineTarget('groups.loadStoredLog', 'decoder', async () => {
    const pool = await sharedPool()
    const { groupId, entries } = await groupLogEntries()
    const errors: unknown[] = []
    const stored = { version: 1, groupId, entries: entries.map((e) => bytesToString(e, 'base64')) }
    return {
      input: jsonTextFrom(fc.constant(stored)),
      run: async (text: string) => {
        const engine = new GroupEngine(
          pool.keys[1],
          { ...memoryPersistence, loadAll: async () => [{ groupId, entries: parseStoredLog(text, groupId) }] },
          {
            adopted: () => {},
            dropped: () => {},
            changed: () => {},
            error: (err) => errors.push(err)
          },
          defaultLogger().forComponent('fuzz')
        )
        await engine.load()
        const bad = errors.splice(0).find((e) => !isNamedError(e))
        if (bad != null) {
          throw bad
        }
      }
    }
  }),
  fileTarget(
    'relay.decodeSnapshot',
    (p) => jsonTextFrom(fc.constant(snapshotOf(p))),
    decodeSnapshot,
    (e) => e instanceof SnapshotError
  ),
  fileTarget(
    'relay.validateState',
    (p) => jsonTextFrom(fc.constant((snapshotOf(p) as { state: unknown }).state)),
    (text) => {
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch {
        return
      }
      validateState(raw)
    },
    (e) => e instanceof SnapshotError
  ),
  fileTarget(
    'relay.validateConfig',
    () => jsonTextFrom(fc.constant(DEFAULT_CONFIG)),
    (text) => {
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch {
        return
      }
      validateConfig(raw)
    },
    (e) => e instanceof ConfigError
  ),
  fileTarget(
    'relay.parseSetting',
    () =>
      fc.tuple(
        lineFrom(fc.constantFrom(...Object.keys(DEFAULT_CONFIG))),
        lineFrom(fc.constantFrom('10', '/ip4/1.2.3.4/tcp/1', 'hello', '-1', '1e3'))
      ),
    ([key, text]) => parseSetting(key, text),
    (e) => e instanceof ConfigError
  ),
  fileTarget(
    'admin.checkCommand',
    () =>
      fc.tuple(
        lineFrom(fc.constantFrom('ban', 'unban', 'kick', 'users', 'set', 'get', 'admins', 'help', 'motd')),
        fc.array(lineFrom(fc.constantFrom('alice', '10m', 'spam', 'motd', '12D3KooW')), { maxLength: 9 })
      ),
    ([command, args]) => checkCommand(command, args),
    (e) => e instanceof AdminRefusedError
  ),
  fileTarget(
    'cli.parseCommand',
    () => lineFrom(helpLines),
    parseCommand,
    () => false
  ),
  fileTarget('cli.nameArg', () => lineFrom(nameArb), nameArg, isInvalidArgument),
  fileTarget(
    'cli.relayAddr',
    (p) =>
      lineFrom(
        fc.constantFrom(
          `/ip4/127.0.0.1/tcp/4100/p2p/${p.peers[0]}`,
          '/dns4/relay.example/tcp/443/wss',
          '/ip6/::1/tcp/1'
        )
      ),
    (text) => {
      collectMultiaddr(text)
      collectRelayAddr(text)
    },
    isInvalidArgument
  ),
  fileTarget(
    'cli.sizeAndDuration',
    () => lineFrom(fc.constantFrom('500MB', '1.5GiB', '1048576', '90s', '10m', '2d', '0', '1e400')),
    (text) => {
      try {
        sizeArg(text)
      } finally {
        durationArg(text)
      }
    },
    isInvalidArgument
  )
]

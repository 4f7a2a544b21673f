/**
 * End-to-end session benchmark: what the Double Ratchet costs per message (encrypt + decrypt) against a plain
 * XChaCha20-Poly1305 seal + open of the same bytes in the same run, one way (no DH step between messages) and
 * ping-pong (a DH ratchet step on every message), plus a PQXDH session start and the catch-up of queued DMs from a
 * mailbox. `npm run bench:session`
 * (`-- --quick` for a shorter run).
 */
import { performance } from 'node:perf_hooks'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { identityFromSeed } from '../protocols/session/identity.ts'
import { bundleFrom, createPrekeyStore, publishedPrekeys } from '../protocols/session/prekeys.ts'
import {
  generateDh,
  initAlice,
  initBob,
  type RatchetState,
  ratchetDecrypt,
  ratchetEncrypt
} from '../protocols/session/ratchet.ts'
import { acceptSession, encryptMessage, startSession } from '../protocols/session/session.ts'
import { catchUpMs } from './catch-up.ts'

const quick = process.argv.includes('--quick')
const MESSAGES = quick ? 2_000 : 10_000
const STARTS = quick ? 20 : 100
const SIZES = [200, 4096]
const AD = randomBytes(64)

function perMessageUs(count: number, run: () => void): number {
  for (let i = 0; i < Math.min(200, count); i++) run()
  const t0 = performance.now()
  for (let i = 0; i < count; i++) run()
  return ((performance.now() - t0) * 1000) / count
}

function pair(): { alice: RatchetState; bob: RatchetState } {
  const sk = randomBytes(32)
  const prekey = generateDh()
  return { alice: initAlice(sk, prekey.publicKey), bob: initBob(sk, prekey) }
}

function sealBaseline(size: number): number {
  const key = randomBytes(32)
  const pt = randomBytes(size)
  return perMessageUs(MESSAGES, () => {
    const nonce = randomBytes(24)
    const ct = xchacha20poly1305(key, nonce, AD).encrypt(pt)
    xchacha20poly1305(key, nonce, AD).decrypt(ct)
  })
}

function oneWay(size: number): number {
  let { alice, bob } = pair()
  const pt = randomBytes(size)
  return perMessageUs(MESSAGES, () => {
    const sent = ratchetEncrypt(alice, pt, AD)
    alice = sent.state
    bob = ratchetDecrypt(bob, sent.message, AD).state
  })
}

function pingPong(size: number): number {
  let { alice, bob } = pair()
  const pt = randomBytes(size)
  let aliceTurn = true
  return perMessageUs(Math.floor(MESSAGES / 5), () => {
    if (aliceTurn) {
      const sent = ratchetEncrypt(alice, pt, AD)
      alice = sent.state
      bob = ratchetDecrypt(bob, sent.message, AD).state
    } else {
      const sent = ratchetEncrypt(bob, pt, AD)
      bob = sent.state
      alice = ratchetDecrypt(alice, sent.message, AD).state
    }
    aliceTurn = !aliceTurn
  })
}

function sessionStartMs(): number {
  const alice = identityFromSeed(randomBytes(32))
  const bob = identityFromSeed(randomBytes(32))
  const store = createPrekeyStore(bob, Date.now())
  const bundle = bundleFrom(publishedPrekeys(bob, store))
  return (
    perMessageUs(STARTS, () => {
      acceptSession(bob, store, encryptMessage(startSession(alice, bundle), AD).envelope)
    }) / 1000
  )
}

const fmt = (n: number, d = 1): string => n.toFixed(d).padStart(9)
console.log(`p2pchat session bench: node ${process.version}, ${MESSAGES} messages per row`)
console.log('per message, encrypt + decrypt            size     µs    xSeal')
for (const size of SIZES) {
  const seal = sealBaseline(size)
  console.log(`  XChaCha20-Poly1305 seal + open (base) ${String(size).padStart(6)}${fmt(seal)}${fmt(1, 2)}`)
  const one = oneWay(size)
  console.log(`  Double Ratchet, one way               ${String(size).padStart(6)}${fmt(one)}${fmt(one / seal, 2)}`)
  const pp = pingPong(size)
  console.log(`  Double Ratchet, ping-pong (DH step)   ${String(size).padStart(6)}${fmt(pp)}${fmt(pp / seal, 2)}`)
}
console.log(`PQXDH session start (initiate + accept + first message): ${sessionStartMs().toFixed(2)} ms`)
const QUEUED = quick ? 200 : 1_000
console.log(
  `catch-up of ${QUEUED} queued DMs from a mailbox (fetch, open with session writes, delete): ${(await catchUpMs(QUEUED)).toFixed(0)} ms`
)

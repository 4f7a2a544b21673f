import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { Uint8ArrayList } from 'uint8arraylist'
import { concat } from 'uint8arrays/concat'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MessageTooLargeError } from '../common/errors.ts'
import { type CommandBody, decodeCommand, decodeRequest, encodeCommand, encodeRequest } from './codec.ts'
import { type AdminCommandName, checkCommand } from './commands.ts'
import { FRESHNESS_WINDOW_MS, NONCE_BYTES, SIGNING_PREFIX } from './constants.ts'
import { AdminRefusedError } from './errors.ts'
import type { ReplayCache } from './replay-cache.ts'

export interface SignInit {
  /** PeerId of the relay the request is for */
  relay: string
  command: string
  args: string[]
  /** @default Date.now() */
  now?: number
  /** @default 16 random bytes */
  nonce?: Uint8Array
}

/** Builds a signed request frame: the command with a fresh nonce and timestamp, signed with the admin's key. */
export async function signRequest(privateKey: PrivateKey, init: SignInit): Promise<Uint8Array> {
  const commandBytes = encodeCommand({
    relay: init.relay,
    signer: peerIdFromPrivateKey(privateKey).toString(),
    nonce: init.nonce ?? crypto.getRandomValues(new Uint8Array(NONCE_BYTES)),
    ts: init.now ?? Date.now(),
    command: init.command,
    args: init.args
  })
  const signature = await privateKey.sign(concat([SIGNING_PREFIX, commandBytes]))
  return encodeRequest({ commandBytes, signature })
}

export interface VerifyContext {
  /** our own PeerId: requests for another relay are refused */
  relay: string
  /** the authenticated peer on the connection the request came over */
  sender: string
  now: number
  /** @default FRESHNESS_WINDOW_MS */
  freshnessMs?: number
  isAdmin: (peerId: string) => boolean
  replay: ReplayCache
}

/** A request that passed every check. */
export interface VerifiedCommand {
  signer: string
  command: AdminCommandName
  args: string[]
  ts: number
}

/**
 * Checks a request frame: well-formed, signed by its signer, sent by its signer, meant for this relay, fresh, from an
 * admin, never seen before, and a known command with the right arguments. Throws AdminRefusedError with the code
 * of the first check that failed.
 */
export async function verifyRequest(frame: Uint8Array | Uint8ArrayList, ctx: VerifyContext): Promise<VerifiedCommand> {
  let body: CommandBody
  let commandBytes: Uint8Array
  let signature: Uint8Array
  try {
    ;({ commandBytes, signature } = decodeRequest(frame))
    body = decodeCommand(commandBytes)
  } catch (err) {
    const code = err instanceof MessageTooLargeError ? 'MESSAGE_TOO_LARGE' : 'BAD_REQUEST'
    throw new AdminRefusedError(code, `malformed admin request: ${err instanceof Error ? err.message : String(err)}`)
  }
  const publicKey = peerIdFromString(body.signer).publicKey
  if (publicKey == null) {
    throw new AdminRefusedError('BAD_SIGNATURE', 'the signer PeerId carries no public key to check the signature with')
  }
  let valid = false
  try {
    valid = await publicKey.verify(concat([SIGNING_PREFIX, commandBytes]), signature)
  } catch {
    valid = false
  }
  if (!valid) {
    throw new AdminRefusedError('BAD_SIGNATURE', 'the signature does not match the request')
  }
  if (body.signer !== ctx.sender) {
    throw new AdminRefusedError('WRONG_SIGNER', `request signed by ${body.signer} but sent by ${ctx.sender}`)
  }
  if (body.relay !== ctx.relay) {
    throw new AdminRefusedError('WRONG_RELAY', `request is for relay ${body.relay}, this is ${ctx.relay}`)
  }
  const window = ctx.freshnessMs ?? FRESHNESS_WINDOW_MS
  const skew = body.ts - ctx.now
  if (Math.abs(skew) > window) {
    throw new AdminRefusedError(
      'STALE_REQUEST',
      `request timestamp is ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'old' : 'in the future'}; the limit is ${window / 1000} s (check the clock)`
    )
  }
  if (!ctx.isAdmin(body.signer)) {
    throw new AdminRefusedError('NOT_ADMIN', `${body.signer} is not an admin of this relay`)
  }
  const verdict = ctx.replay.check(`${body.signer}/${uint8ArrayToString(body.nonce, 'base64')}`, ctx.now)
  if (verdict === 'replayed') {
    throw new AdminRefusedError('REPLAYED', 'this request was already received once (replay refused)')
  }
  if (verdict === 'full') {
    throw new AdminRefusedError('BUSY', 'too many recent admin requests; try again in a minute')
  }
  const command = checkCommand(body.command, body.args)
  return { signer: body.signer, command, args: body.args, ts: body.ts }
}

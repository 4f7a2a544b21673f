import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/** What the rule reads of a yamux stream: its receive window and how much of it is still free (private fields). */
interface ReceiveWindow {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

/**
 * Whether a stream may leave the window update it is about to send for later: it is established (an update that opens
 * or accepts the stream carries a flag, and a paused one is the original's business) and less than half its receive
 * window has been used since the last update. The rule of hashicorp/yamux, where the protocol comes from: the sender
 * still has at least half a window to send in, so nothing waits for the update that is left out.
 */
export function windowUpdateCanWait(stream: ReceiveWindow): boolean {
  return stream.state === StreamState.Established && stream.recvWindowCapacity * 2 > stream.recvWindow
}

let installed = false

/**
 * js-libp2p's yamux sends a window update for every data frame it reads, so each gossip message a relay forwards to a
 * client comes back as a frame of its own, which the relay must read, decrypt and decode: with 1,000 clients, 1,000
 * frames in for every lobby post sent out. This makes every yamux stream in the process send its window update only
 * once half its window is used (windowUpdateCanWait). Installed once, by whatever creates a libp2p node; the other
 * side needs nothing, as the protocol leaves the timing of updates to the receiver.
 */
export function sendWindowUpdatesAtHalfWindow(): void {
  if (installed) {
    return
  }
  installed = true
  const prototype = YamuxStream.prototype
  const sendEveryTime = prototype.sendWindowUpdate
  prototype.sendWindowUpdate = function sendWindowUpdate(this: YamuxStream): void {
    if (windowUpdateCanWait(this as unknown as ReceiveWindow)) {
      return
    }
    sendEveryTime.call(this)
  }
}

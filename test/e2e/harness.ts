/**
 * The one e2e harness: every e2e test imports what it needs from here. Clients, relays, one-shot commands,
 * terminals and network namespaces share one way to spawn, read lines, wait and clean up (code in ./harness/).
 */
export { filesContaining, listFiles } from '../support/scan.ts'
export { ChatPage, closeBrowsers, launchBrowser } from './harness/browser.ts'
export {
  Client,
  type ClientInit,
  MODES,
  type Mode,
  marker,
  startClient,
  untilOlderThan,
  untilOnDisk
} from './harness/clients.ts'
export {
  createFederationWorld,
  type FederationWorld,
  relayAddrFor,
  spawnFederatedClient,
  startFederation
} from './harness/federation.ts'
export { Feed, until, WAIT_MS, type WaitInit } from './harness/feed.ts'
export { createNatWorld, dropUdp, interfaceBytes, type NatHome, type NatWorld } from './harness/nat.ts'
export {
  canRoute,
  createdNetnsCount,
  createLan,
  createStar,
  destroyAllNetns,
  destroyLan,
  type Lan,
  leftoverNetns,
  listNetns,
  NETNS_PREFIX,
  type NetnsHost,
  netnsUnsupported,
  type Spoke,
  type Star,
  setLink
} from './harness/netns.ts'
export {
  type EventOf,
  PeerProcess,
  ready,
  type SpawnInit,
  spawnPeer,
  spawnPeers,
  waitForListing
} from './harness/peers.ts'
export {
  BIN,
  type CliResult,
  cleanup,
  type ExitStatus,
  type JsonEvent,
  JsonProcess,
  LineReader,
  LOOPBACK,
  onlyEvent,
  runCli,
  type SpawnCliInit,
  spawnCli,
  tempDir
} from './harness/process.ts'
export {
  initRelay,
  killRelays,
  localAdmin,
  newIdentity,
  RelayProcess,
  type RelayStar,
  relayStar,
  spawnRelayClient,
  startRelay
} from './harness/relay.ts'
export { Terminal, type TerminalInit } from './harness/tmux.ts'
export { findOldNode, inCi, MissingToolError, requireTool, type Tool, toolMissing } from './harness/tools.ts'

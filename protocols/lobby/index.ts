export { decodeLobbyPost, encodeLobbyPost, type LobbyPost } from './codec.ts'
export { LOBBY_TOPIC } from './constants.ts'
export {
  type LobbyComponents,
  type LobbyEvents,
  type LobbyInit,
  LobbyService,
  lobby,
  validate as validateLobbyMessage
} from './lobby.ts'

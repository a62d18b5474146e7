/**
 * Presence rooms and broadcast topics: a pure core over the synchronous Sql seam.
 * The session layer parses room ops with protocol/room-messages.ts, calls the `on*`
 * handlers, and sends the returned reply and deliveries.
 */
export type { Peer, PeerUser, PresenceData, PresenceEdit, RoomChange, RoomSnapshot } from "../model/presence";
export { EMPTY_ROOM } from "../model/presence";
export { diffRoom, jsonEqual } from "./diff";
export { PresenceStore, notInRoom } from "./store";
export { presenceDeliveries, type RoomDelivery, type SupportsPatch } from "./fanout";
export {
  onBroadcast,
  onDisconnect,
  onJoin,
  onLeave,
  onRoomCommand,
  onSetPresence,
  onSweep,
  type RoomActor,
  type RoomOutcome,
} from "./events";
export { roomPresenceForAdmin } from "./admin-read";

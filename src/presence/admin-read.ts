/**
 * The admin API's view of a room (`GET /admin/rooms/presence`, docs/protocol.md §13.2):
 * `{"sessions": {<sessionId>: {"peer-id", "user", "data"}}}`. Instant returns the full
 * user record there; the HTTP layer can supply it through `resolveUser`, otherwise
 * `user` stays `{id}` or null as stored.
 */
import type { JsonValue } from "../model/triple";
import { peerToWire, type JsonObject } from "../protocol/room-messages";
import type { PresenceStore } from "./store";

export function roomPresenceForAdmin(
  store: PresenceStore,
  roomId: string,
  resolveUser?: (userId: string) => JsonValue | null,
): { sessions: JsonObject } {
  const sessions: JsonObject = {};
  for (const [sessionId, peer] of Object.entries(store.room(roomId))) {
    const wire = peerToWire(peer);
    if (resolveUser && peer.user) wire.user = resolveUser(peer.user.id);
    sessions[sessionId] = wire;
  }
  return { sessions };
}

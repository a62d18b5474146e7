/**
 * Room change → the presence messages each member must receive (docs/protocol.md §10.3): a
 * full `refresh-presence` to sessions that just joined (and to clients too old for
 * patches), `patch-presence` with the diff to everyone else. Nothing is sent when the
 * room did not actually change, and nothing to sessions no longer in the room.
 */
import { patchPresence, refreshPresence, type WireMessage } from "../protocol/room-messages";
import { diffRoom } from "./diff";
import type { RoomChange } from "../model/presence";

/** One frame for one session; the session layer sends it on that session's socket. */
export type RoomDelivery = { sessionId: string; message: WireMessage };

/** Whether a session's client applies patch-presence (core > 0.17.5, from its init versions). */
export type SupportsPatch = (sessionId: string) => boolean;

/**
 * Deliveries for one room change. `refreshFor` names sessions that must get the full
 * snapshot whatever changed, e.g. the session that sent `join-room`, even when it was
 * already a member: its client may have reset its peer map when it re-joined.
 */
export function presenceDeliveries(
  change: RoomChange,
  supportsPatch: SupportsPatch,
  refreshFor: ReadonlySet<string> = new Set(),
): RoomDelivery[] {
  const { roomId, prev, next } = change;
  const members = Object.keys(next);
  if (members.length === 0) return [];
  // Computed once and shared: every patch-capable member gets the same edits.
  const edits = diffRoom(prev, next);
  let refresh: WireMessage | undefined;
  const fullSnapshot = () => (refresh ??= refreshPresence(roomId, next));
  let patch: WireMessage | undefined;
  const deliveries: RoomDelivery[] = [];
  for (const sessionId of members) {
    const justJoined = !Object.prototype.hasOwnProperty.call(prev, sessionId);
    if (justJoined || refreshFor.has(sessionId)) {
      deliveries.push({ sessionId, message: fullSnapshot() });
    } else if (edits.length === 0) {
      continue;
    } else if (supportsPatch(sessionId)) {
      deliveries.push({ sessionId, message: (patch ??= patchPresence(roomId, edits)) });
    } else {
      deliveries.push({ sessionId, message: fullSnapshot() });
    }
  }
  return deliveries;
}

/**
 * Room ops (`join-room`, `leave-room`, `set-presence`, `client-broadcast`) and a closing
 * socket's departure from its rooms: the presence core decides the replies and the
 * deliveries; this file adapts the session's identity and client version to it.
 */
import { onDisconnect, onRoomCommand, onSweep, type RoomOutcome, type SupportsPatch } from "../presence";
import type { RoomMessage } from "../protocol/client-messages";
import { parseRoomCommand } from "../protocol/room-messages";
import type { AppContext, Delivery, Outcome } from "./app-context";
import { outcome } from "./app-context";
import { type SessionState, supportsPresencePatch } from "./session-state";

const patchSupport = (ctx: AppContext): SupportsPatch => (sessionId) => {
  const s = ctx.session(sessionId);
  return s !== undefined && supportsPresencePatch(s);
};

export function handleRoomMessage(ctx: AppContext, session: SessionState, m: RoomMessage): Outcome {
  const command = parseRoomCommand(m.op, m.body);
  const actor = { sessionId: session.sessionId, user: session.userId ? { id: session.userId } : null };
  const result = onRoomCommand(ctx.presence, actor, command, m.eventId, patchSupport(ctx));
  return toOutcome(session, result);
}

/** A socket closed: it leaves every room and the remaining members are told at once. */
export function disconnectSession(ctx: AppContext, sessionId: string): Delivery[] {
  return onDisconnect(ctx.presence, sessionId, patchSupport(ctx)).deliveries;
}

/** After a wake: drop members whose sockets are gone, telling the members still here. */
export function sweepRooms(ctx: AppContext, liveSessionIds: ReadonlySet<string>): Delivery[] {
  return onSweep(ctx.presence, liveSessionIds, patchSupport(ctx)).deliveries;
}

function toOutcome(session: SessionState, result: RoomOutcome): Outcome {
  return outcome(session, result.reply ? [result.reply] : [], { deliveries: result.deliveries });
}

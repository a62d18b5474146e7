/**
 * Room ops (`join-room`, `leave-room`, `set-presence`, `client-broadcast`): the presence
 * core decides the replies and the deliveries; this file adapts the session's identity
 * and client version to it.
 */
import { onRoomCommand } from "../presence";
import type { RoomMessage } from "../protocol/client-messages";
import { parseRoomCommand } from "../protocol/room-messages";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import { patchSupport } from "../core/lifecycle";
import type { InitedSession } from "../core/session-state";

export function handleRoomMessage(ctx: AppContext, session: InitedSession, m: RoomMessage): Outcome {
  const command = parseRoomCommand(m.op, m.body);
  const user = session.auth.user;
  const actor = { sessionId: session.sessionId, user: user ? { id: user.id } : null };
  const result = onRoomCommand(ctx.presence, actor, command, m.eventId, patchSupport(ctx));
  return outcome(session, result.reply ? [result.reply] : [], result.deliveries);
}

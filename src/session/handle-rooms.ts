/**
 * Room ops (`join-room`, `leave-room`, `set-presence`, `client-broadcast`): the app's
 * room rules are checked first (permissions/rooms.ts), then the presence core decides
 * the replies and the deliveries; this file adapts the session's identity and client
 * version to it. A refused join answers `join-room-error`; a refused set-presence or
 * broadcast answers an `error` frame (permission-denied) and reaches no peer.
 */
import { onRoomCommand } from "../presence";
import type { RoomMessage } from "../protocol/client-messages";
import { joinRoomError, parseRoomCommand, type RoomCommand } from "../protocol/room-messages";
import { rulesCache } from "../permissions/app-permissions";
import { type RoomCheck, roomDenial } from "../permissions/rooms";
import { type AppContext, type Outcome, outcome } from "../core/app-context";
import { patchSupport } from "../core/lifecycle";
import type { InitedSession } from "../core/session-state";

export function handleRoomMessage(ctx: AppContext, session: InitedSession, m: RoomMessage): Outcome {
  const command = parseRoomCommand(m.op, m.body);
  const denied = checkRoomRules(ctx, session, command);
  if (denied !== null) {
    if (command.op === "join-room") return outcome(session, [joinRoomError(command.roomId, denied, m.eventId)]);
    throw denied;
  }
  const user = session.auth.user;
  const actor = { sessionId: session.sessionId, user: user ? { id: user.id } : null };
  const result = onRoomCommand(ctx.presence, actor, command, m.eventId, patchSupport(ctx));
  return outcome(session, result.reply ? [result.reply] : [], result.deliveries);
}

/** Compiled rules per app context (one per Durable Object wake). */
const compiled = new WeakMap<AppContext, ReturnType<typeof rulesCache>>();

function checkRoomRules(ctx: AppContext, session: InitedSession, command: RoomCommand) {
  if (session.auth.isAdmin || command.op === "leave-room") return null;
  const doc = ctx.app()?.rules ?? null;
  if (doc === null) return null;
  let cache = compiled.get(ctx);
  if (cache === undefined) compiled.set(ctx, (cache = rulesCache()));
  const rules = cache(doc);
  // set-presence names no room type, and broadcasts are judged by the type the session
  // joined with (which its join rule was checked against).
  const joined = (roomId: string) => ctx.presence.roomType(roomId, session.sessionId);
  let check: RoomCheck;
  switch (command.op) {
    case "join-room":
      check = { op: "join", roomId: command.roomId, roomType: command.roomType, data: command.data };
      break;
    case "set-presence":
      if (!ctx.presence.isMember(command.roomId, session.sessionId)) return null; // not-in-room, from the core
      check = { op: "presence", roomId: command.roomId, roomType: joined(command.roomId), data: command.data };
      break;
    case "client-broadcast":
      if (!ctx.presence.isMember(command.roomId, session.sessionId)) return null;
      check = { op: "broadcast", roomId: command.roomId, roomType: joined(command.roomId) ?? command.roomType, topic: command.topic, data: command.data };
      break;
  }
  return roomDenial({ sql: ctx.sql, attrs: ctx.attrs }, rules, session.auth, ctx.now(), check);
}

/**
 * Room events → outcomes. Each handler applies one room op (or a socket close) to the
 * PresenceStore and returns what to send: an optional `reply` to the acting session
 * (join-room-ok, leave-room-ok, set-presence-ok, client-broadcast-ok), sent first, and
 * `deliveries` for any member sessions, the actor included. No I/O happens here; the
 * session layer sends, in order. Errors are thrown as InstantError for the session to
 * turn into an `error` frame; the session stays up.
 */
import {
  broadcastData,
  clientBroadcastOk,
  joinRoomOk,
  leaveRoomOk,
  serverBroadcast,
  setPresenceOk,
  type RoomCommand,
  type WireMessage,
} from "../protocol/room-messages";
import type { JsonValue } from "../model/triple";
import { presenceDeliveries, type RoomDelivery, type SupportsPatch } from "./fanout";
import { notInRoom, type PresenceStore } from "./store";
import type { PeerUser, PresenceData } from "../model/presence";

export type RoomOutcome = { reply: WireMessage | null; deliveries: RoomDelivery[] };

/** Who is acting: the session and its auth (`{id}` of the signed-in user, else null). */
export type RoomActor = { sessionId: string; user: PeerUser };

export function onJoin(
  store: PresenceStore,
  actor: RoomActor,
  args: { roomId: string; data: PresenceData | null; roomType?: string | null; eventId?: string },
  supportsPatch: SupportsPatch,
): RoomOutcome {
  const change = store.join(args.roomId, actor.sessionId, actor.user, args.data, args.roomType ?? null);
  return {
    reply: joinRoomOk(args.roomId, args.eventId),
    deliveries: presenceDeliveries(change, supportsPatch, new Set([actor.sessionId])),
  };
}

/** Leaving a room one is not in is not an error (Instant acks it too). */
export function onLeave(
  store: PresenceStore,
  actor: RoomActor,
  args: { roomId: string; eventId?: string },
  supportsPatch: SupportsPatch,
): RoomOutcome {
  const change = store.leave(args.roomId, actor.sessionId);
  return {
    reply: leaveRoomOk(args.roomId, args.eventId),
    deliveries: change ? presenceDeliveries(change, supportsPatch) : [],
  };
}

/** Replaces the actor's presence; every member, the actor included, hears of it. */
export function onSetPresence(
  store: PresenceStore,
  actor: RoomActor,
  args: { roomId: string; data: PresenceData; eventId?: string },
  supportsPatch: SupportsPatch,
): RoomOutcome {
  const change = store.setData(args.roomId, actor.sessionId, args.data);
  return { reply: setPresenceOk(args.roomId, args.eventId), deliveries: presenceDeliveries(change, supportsPatch) };
}

/**
 * Relays a topic message to every other member, in arrival order; the sender gets
 * only Instant's ack. The `user` shown is the one recorded when the sender joined.
 */
export function onBroadcast(
  store: PresenceStore,
  actor: RoomActor,
  args: { roomId: string; topic: string; data: JsonValue; eventId?: string },
): RoomOutcome {
  const room = store.room(args.roomId);
  const sender = Object.prototype.hasOwnProperty.call(room, actor.sessionId) ? room[actor.sessionId] : undefined;
  if (!sender) throw notInRoom(args.roomId, actor.sessionId);
  const payload = broadcastData(actor.sessionId, sender.user, args.data);
  const message = serverBroadcast(args.roomId, args.topic, payload);
  const deliveries: RoomDelivery[] = [];
  for (const sessionId of Object.keys(room)) {
    if (sessionId !== actor.sessionId) deliveries.push({ sessionId, message });
  }
  return { reply: clientBroadcastOk(args.roomId, args.topic, payload, args.eventId), deliveries };
}

/** A socket closed: it leaves every room and the remaining members are told at once. */
export function onDisconnect(store: PresenceStore, sessionId: string, supportsPatch: SupportsPatch): RoomOutcome {
  const deliveries: RoomDelivery[] = [];
  for (const roomId of store.roomsOf(sessionId)) {
    const change = store.leave(roomId, sessionId);
    if (change) deliveries.push(...presenceDeliveries(change, supportsPatch));
  }
  return { reply: null, deliveries };
}

/**
 * Wake-up sweep: removes memberships of sessions that have no open socket any more
 * (their close was never delivered, e.g. the object restarted with a deploy) and tells
 * the live members. Call it once after waking, with the ids of the sockets still open.
 */
export function onSweep(store: PresenceStore, liveSessionIds: ReadonlySet<string>, supportsPatch: SupportsPatch): RoomOutcome {
  const deliveries: RoomDelivery[] = [];
  for (const change of store.retainSessions(liveSessionIds)) deliveries.push(...presenceDeliveries(change, supportsPatch));
  return { reply: null, deliveries };
}

/** Dispatches a parsed room command (protocol/room-messages.ts) to its handler. */
export function onRoomCommand(
  store: PresenceStore,
  actor: RoomActor,
  command: RoomCommand,
  eventId: string | undefined,
  supportsPatch: SupportsPatch,
): RoomOutcome {
  const ev = eventId === undefined ? {} : { eventId };
  switch (command.op) {
    case "join-room":
      return onJoin(store, actor, { roomId: command.roomId, data: command.data, roomType: command.roomType, ...ev }, supportsPatch);
    case "leave-room":
      return onLeave(store, actor, { roomId: command.roomId, ...ev }, supportsPatch);
    case "set-presence":
      return onSetPresence(store, actor, { roomId: command.roomId, data: command.data, ...ev }, supportsPatch);
    case "client-broadcast":
      return onBroadcast(store, actor, { roomId: command.roomId, topic: command.topic, data: command.data, ...ev });
  }
}

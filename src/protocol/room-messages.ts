/**
 * Room ops on the wire (docs/protocol.md §4.5–4.8, §6.7–6.12): inbound `join-room`,
 * `leave-room`, `set-presence`, `client-broadcast` parsed into typed room commands, and
 * builders for every outbound room message. Wire names (kebab-case, plus the client's
 * camelCase `roomType` on client-broadcast) stay in this file.
 */
import * as z from "zod";
import type { JsonValue } from "../model/triple";
import type { Peer, PresenceEdit, RoomSnapshot } from "../model/presence";
import { isJsonObject } from "../util/json";
import { InstantError, paramMalformed, paramMissing, validationError } from "./errors";
import { MAX_BROADCAST_BYTES, MAX_PRESENCE_BYTES, MAX_ROOM_ID_LENGTH, MAX_TOPIC_LENGTH } from "./limits";

export type JsonObject = { [key: string]: JsonValue };
/** A frame we send; every value is JSON (absent keys are omitted, never undefined). */
export type WireMessage = { op: string; [key: string]: JsonValue };

// The body was produced by JSON.parse, so a shallow object check suffices: walking the
// whole presence tree again through a recursive zod schema would only cost time.
const jsonObject = z.custom<JsonObject>(isJsonObject, { message: "expected an object" });
const jsonValue = z.custom<JsonValue>((v) => v !== undefined);

// Unknown keys (trace ids, future fields) are stripped, per docs/protocol.md §3.2.
const joinRoomSchema = z.object({
  "room-id": z.string(),
  "room-type": z.string().nullish(),
  data: jsonObject.nullish(),
});
const leaveRoomSchema = z.object({ "room-id": z.string() });
const setPresenceSchema = z.object({ "room-id": z.string(), data: jsonObject.nullish() });
const clientBroadcastSchema = z.object({
  "room-id": z.string(),
  roomType: z.string().nullish(),
  topic: z.string(),
  data: jsonValue.optional(),
});

export type JoinRoomCommand = { op: "join-room"; roomId: string; roomType: string | null; data: JsonObject | null };
export type LeaveRoomCommand = { op: "leave-room"; roomId: string };
export type SetPresenceCommand = { op: "set-presence"; roomId: string; data: JsonObject };
export type ClientBroadcastCommand = {
  op: "client-broadcast";
  roomId: string;
  roomType: string | null;
  topic: string;
  data: JsonValue;
};
export type RoomCommand = JoinRoomCommand | LeaveRoomCommand | SetPresenceCommand | ClientBroadcastCommand;
export type RoomCommandOp = RoomCommand["op"];

/**
 * Parses one room op's frame body into a command, or throws InstantError: a missing
 * room-id/topic is `param-missing`, a wrong type `param-malformed`, and a value over a
 * limit `validation-failed` with the size and the limit in the message.
 */
export function parseRoomCommand(op: RoomCommandOp, body: JsonObject): RoomCommand {
  switch (op) {
    case "join-room": {
      const m = check(joinRoomSchema, body);
      const roomId = checkRoomId(m["room-id"]);
      const data = m.data ?? null;
      if (data) checkPresenceSize(data);
      return { op, roomId, roomType: m["room-type"] ?? null, data };
    }
    case "leave-room": {
      const m = check(leaveRoomSchema, body);
      return { op, roomId: checkRoomId(m["room-id"]) };
    }
    case "set-presence": {
      const m = check(setPresenceSchema, body);
      const roomId = checkRoomId(m["room-id"]);
      // The client always sends an object; null/absent means "no presence" rather than an error.
      const data = m.data ?? {};
      checkPresenceSize(data);
      return { op, roomId, data };
    }
    case "client-broadcast": {
      const m = check(clientBroadcastSchema, body);
      const roomId = checkRoomId(m["room-id"]);
      if (m.topic.length > MAX_TOPIC_LENGTH) {
        throw tooLarge("topic", ["topic"], `Topic is ${m.topic.length} characters; the limit is ${MAX_TOPIC_LENGTH}.`);
      }
      const data = m.data ?? null;
      const bytes = jsonByteLength(data);
      if (bytes > MAX_BROADCAST_BYTES) {
        throw tooLarge("broadcast", ["data"], `Broadcast data is ${bytes} bytes; the limit is ${MAX_BROADCAST_BYTES}.`);
      }
      return { op, roomId, roomType: m.roomType ?? null, topic: m.topic, data };
    }
  }
}

function check<T>(schema: z.ZodType<T>, body: JsonObject): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === "symbol" ? String(p) : p));
  const key = path[0];
  const value = typeof key === "string" ? body[key] : undefined;
  // Mirrors Instant's get-param!: an absent required key is "missing", anything else "malformed".
  if (value === undefined || value === null) {
    if (key === "room-id" || key === "topic") throw paramMissing(path);
  }
  throw paramMalformed(path, value ?? null);
}

function checkRoomId(roomId: string): string {
  if (roomId.length > MAX_ROOM_ID_LENGTH) {
    throw tooLarge("room-id", ["room-id"], `Room id is ${roomId.length} characters; the limit is ${MAX_ROOM_ID_LENGTH}.`);
  }
  return roomId;
}

function checkPresenceSize(data: JsonObject): void {
  const bytes = jsonByteLength(data);
  if (bytes > MAX_PRESENCE_BYTES) {
    throw tooLarge("presence", ["data"], `Presence data is ${bytes} bytes; the limit is ${MAX_PRESENCE_BYTES}.`);
  }
}

// The offending value is not echoed in the hint: it is by definition too large.
const tooLarge = (dataType: string, path: string[], message: string): InstantError =>
  validationError(dataType, null, [{ message, in: path }]);

/** UTF-8 byte length of a value's JSON text, counted without allocating an encoded copy. */
export function jsonByteLength(value: JsonValue): number {
  const text = JSON.stringify(value);
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) i++, (bytes += 2); // surrogate pair: 2 units → 4 bytes
    else bytes += 2;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------
// Outbound. Replies echo the client-event-id when the request had one.

const withEventId = (msg: WireMessage, eventId: string | undefined): WireMessage =>
  eventId === undefined ? msg : { ...msg, "client-event-id": eventId };

export const joinRoomOk = (roomId: string, eventId?: string): WireMessage =>
  withEventId({ op: "join-room-ok", "room-id": roomId }, eventId);

export const leaveRoomOk = (roomId: string, eventId?: string): WireMessage =>
  withEventId({ op: "leave-room-ok", "room-id": roomId }, eventId);

export const setPresenceOk = (roomId: string, eventId?: string): WireMessage =>
  withEventId({ op: "set-presence-ok", "room-id": roomId }, eventId);

/** A peer as refresh-presence, patch-presence `+` values and the admin read show it. */
export const peerToWire = (peer: Peer): JsonObject => ({
  "peer-id": peer.peerId,
  user: peer.user,
  data: peer.data,
});

export function roomToWire(room: RoomSnapshot): JsonObject {
  const out: JsonObject = {};
  for (const [sessionId, peer] of Object.entries(room)) out[sessionId] = peerToWire(peer);
  return out;
}

/** Full snapshot (§6.10); includes the recipient itself, which the client drops. */
export const refreshPresence = (roomId: string, room: RoomSnapshot): WireMessage => ({
  op: "refresh-presence",
  "room-id": roomId,
  data: roomToWire(room),
});

/** Incremental edits (§6.11); never send an empty list. */
export const patchPresence = (roomId: string, edits: readonly PresenceEdit[]): WireMessage => ({
  op: "patch-presence",
  "room-id": roomId,
  edits: edits.map((e) => (e.length === 3 ? [e[0], e[1], e[2] ?? null] : [e[0], e[1]])) as JsonValue,
});

/** The payload every other member gets for a client-broadcast (§6.12). */
export const broadcastData = (sessionId: string, user: Peer["user"], data: JsonValue): JsonObject => ({
  "peer-id": sessionId,
  user,
  data,
});

export const serverBroadcast = (roomId: string, topic: string, data: JsonObject): WireMessage => ({
  op: "server-broadcast",
  "room-id": roomId,
  topic,
  data,
});

/** Instant's (ignored) ack to the sender, carrying the same payload the others got. */
export const clientBroadcastOk = (roomId: string, topic: string, data: JsonObject, eventId?: string): WireMessage =>
  withEventId({ op: "client-broadcast-ok", "room-id": roomId, topic, data }, eventId);

/**
 * A refused join (room rules, docs/protocol.md §10.6): the client keeps the room with
 * `error` set and shows it to presence subscribers. The error body also sits at the top
 * level, as in an `error` frame (type, message, hint, status).
 */
export function joinRoomError(roomId: string, error: InstantError, eventId?: string): WireMessage {
  const body = error.toBody() as unknown as JsonObject;
  return withEventId({ op: "join-room-error", "room-id": roomId, status: error.status, ...body, error: body }, eventId);
}

/**
 * Inbound frames: every client → server message is parsed here exactly once, into a
 * typed ClientMessage or a ParseFailure carrying the InstantError to send back with the
 * frame's client-event-id and original event. Nothing past this file sees `unknown`.
 */
import * as z from "zod";
import type { JsonValue } from "../model/triple";
import { isJsonObject } from "../util/json";
import { InstantError, paramMalformed, paramMissing, validationError } from "./errors";
import { MAX_FRAME_BYTES } from "./limits";

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]),
);
const eventId = z.string().optional();

const initSchema = z.object({
  op: z.literal("init"),
  "client-event-id": eventId,
  "app-id": z.string().optional(),
  "refresh-token": z.string().nullish(),
  versions: z.record(z.string(), z.string()).nullish(),
  "__admin-token": z.string().nullish(),
});

const addQuerySchema = z.object({ op: z.literal("add-query"), "client-event-id": eventId, q: json.nullish() });
const removeQuerySchema = z.object({ op: z.literal("remove-query"), "client-event-id": eventId, q: json.nullish() });
const transactSchema = z.object({ op: z.literal("transact"), "client-event-id": eventId, "tx-steps": json.optional() });

/** Room ops are validated in detail by the presence layer (protocol/room-messages.ts). */
export const ROOM_OPS = ["join-room", "leave-room", "set-presence", "client-broadcast"] as const;
export type RoomOp = (typeof ROOM_OPS)[number];

/** Ops the real client can send that this server does not implement yet. */
export const UNSUPPORTED_OPS = [
  "start-sync",
  "remove-sync",
  "resync-table",
  "start-stream",
  "append-stream",
  "subscribe-stream",
  "unsubscribe-stream",
] as const;

export type InitMessage = {
  op: "init";
  eventId: string | undefined;
  appId: string | undefined;
  refreshToken: string | null;
  versions: Record<string, string>;
  adminToken: string | null;
};
export type AddQueryMessage = { op: "add-query"; eventId: string | undefined; q: JsonValue | null };
export type RemoveQueryMessage = { op: "remove-query"; eventId: string | undefined; q: JsonValue | null };
export type TransactMessage = { op: "transact"; eventId: string | undefined; txSteps: JsonValue | undefined };
export type RoomMessage = { op: RoomOp; eventId: string | undefined; body: { [k: string]: JsonValue } };

export type ClientMessage = InitMessage | AddQueryMessage | RemoveQueryMessage | TransactMessage | RoomMessage;

/** A parsed frame: the message plus the raw event to echo as `original-event`. */
export type ParsedFrame = { ok: true; message: ClientMessage; raw: { [k: string]: JsonValue } };
export type ParseFailure = {
  ok: false;
  error: InstantError;
  eventId: string | undefined;
  raw: { [k: string]: JsonValue } | undefined;
};

export function parseClientFrame(text: string): ParsedFrame | ParseFailure {
  if (text.length > MAX_FRAME_BYTES) {
    const error = validationError("message", null, [
      { message: `Message is too large (${text.length} bytes; the limit is ${MAX_FRAME_BYTES}).` },
    ]);
    // The real client waits for an answer to its event id (a transaction would time out
    // instead of failing with this message), so echo what the frame's head names.
    const head = frameHead(text);
    return { ok: false, error, eventId: head.eventId, raw: head.originalEvent };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: paramMalformed(["body"], null), eventId: undefined, raw: undefined };
  }
  if (!isJsonObject(value)) {
    return { ok: false, error: paramMalformed(["body"], value as JsonValue), eventId: undefined, raw: undefined };
  }
  // What errors echo as `original-event`: the frame without its secrets.
  const raw = withoutSecrets(value);
  const id = typeof raw["client-event-id"] === "string" ? raw["client-event-id"] : undefined;
  const fail = (error: InstantError): ParseFailure => ({ ok: false, error, eventId: id, raw });
  const op = raw.op;
  if (typeof op !== "string") return fail(paramMissing(["op"]));

  switch (op) {
    case "init": {
      const r = initSchema.safeParse(value);
      if (!r.success) return fail(paramMalformed(pathOf(r.error), raw));
      const m = r.data;
      return ok(raw, {
        op,
        eventId: id,
        appId: m["app-id"],
        refreshToken: m["refresh-token"] ?? null,
        versions: m.versions ?? {},
        adminToken: m["__admin-token"] ?? null,
      });
    }
    case "add-query":
    case "remove-query": {
      const r = (op === "add-query" ? addQuerySchema : removeQuerySchema).safeParse(raw);
      if (!r.success) return fail(paramMalformed(pathOf(r.error), raw));
      return ok(raw, { op, eventId: id, q: r.data.q ?? null });
    }
    case "transact": {
      const r = transactSchema.safeParse(raw);
      if (!r.success) return fail(paramMalformed(pathOf(r.error), raw));
      return ok(raw, { op, eventId: id, txSteps: r.data["tx-steps"] });
    }
    default:
      if ((ROOM_OPS as readonly string[]).includes(op)) {
        return ok(raw, { op: op as RoomOp, eventId: id, body: raw });
      }
      if ((UNSUPPORTED_OPS as readonly string[]).includes(op)) {
        return fail(
          validationError(op, raw, [{ message: `\`${op}\` is not supported by this server yet.` }]),
        );
      }
      return fail(new InstantError("param-malformed", "Invalid op", { op }));
  }
}

function ok(raw: { [k: string]: JsonValue }, message: ClientMessage): ParsedFrame {
  return { ok: true, message, raw };
}

function pathOf(error: z.ZodError): (string | number)[] {
  const first = error.issues[0];
  return first ? first.path.map((p) => (typeof p === "symbol" ? String(p) : p)) : [];
}

/** Fields that carry secrets: never echoed back, not even to their sender. */
export const SECRET_FIELDS: readonly string[] = ["refresh-token", "__admin-token"];

function withoutSecrets(frame: { [k: string]: JsonValue }): { [k: string]: JsonValue } {
  if (!SECRET_FIELDS.some((k) => k in frame)) return frame;
  const copy = { ...frame };
  for (const k of SECRET_FIELDS) delete copy[k];
  return copy;
}

/** How much of an oversized frame is searched for its op and event id. */
export const FRAME_HEAD_CHARS = 1_024;

/** Longest client-event-id echoed from an oversized frame. */
export const MAX_ECHOED_EVENT_ID_CHARS = 256;

const HEAD_EVENT_ID = /"client-event-id"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const HEAD_OP = /"op"\s*:\s*"([A-Za-z-]{1,64})"/;

/**
 * The op and client-event-id of a frame too large to parse, read from its first
 * FRAME_HEAD_CHARS characters (the real client writes `client-event-id` then `op` first).
 * `original-event` holds only those two fields: the rest is what was too large.
 */
export function frameHead(text: string): { eventId: string | undefined; originalEvent: { [k: string]: JsonValue } | undefined } {
  const head = text.slice(0, FRAME_HEAD_CHARS);
  const idMatch = HEAD_EVENT_ID.exec(head);
  let eventId: string | undefined;
  if (idMatch && idMatch[1]!.length <= MAX_ECHOED_EVENT_ID_CHARS) {
    try {
      eventId = JSON.parse(`"${idMatch[1]}"`) as string;
    } catch {
      eventId = undefined;
    }
  }
  const op = HEAD_OP.exec(head)?.[1];
  if (eventId === undefined && op === undefined) return { eventId, originalEvent: undefined };
  const originalEvent: { [k: string]: JsonValue } = {};
  if (op !== undefined) originalEvent.op = op;
  if (eventId !== undefined) originalEvent["client-event-id"] = eventId;
  return { eventId, originalEvent };
}

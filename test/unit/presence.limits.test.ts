import { describe, expect, it } from "vitest";
import { onJoin, PresenceStore } from "../../src/presence";
import {
  MAX_BROADCAST_BYTES,
  MAX_PRESENCE_BYTES,
  MAX_ROOM_ID_LENGTH,
  MAX_ROOMS_PER_SESSION,
  MAX_TOPIC_LENGTH,
} from "../../src/protocol/limits";
import { jsonByteLength, parseRoomCommand, type JsonObject, type RoomCommandOp } from "../../src/protocol/room-messages";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { instantError as thrown } from "../helpers/instant-error";

const parse = (op: RoomCommandOp, body: JsonObject) => () => parseRoomCommand(op, body);

/** A presence object whose JSON is exactly `bytes` long, padded with a multi-byte character. */
function presenceOfBytes(bytes: number): JsonObject {
  const base = jsonByteLength({ p: "" });
  const euros = Math.floor((bytes - base) / 3); // "€" is 3 bytes in UTF-8
  const data = { p: "€".repeat(euros) + "x".repeat(bytes - base - euros * 3) };
  expect(jsonByteLength(data)).toBe(bytes);
  return data;
}

describe("parseRoomCommand: shapes", () => {
  it("reads kebab-case fields, the camelCase roomType of client-broadcast, and ignores unknown keys", () => {
    expect(parseRoomCommand("join-room", { op: "join-room", "room-id": "r", "room-type": "chat", extra: 1 })).toEqual({
      op: "join-room",
      roomId: "r",
      roomType: "chat",
      data: null,
    });
    expect(
      parseRoomCommand("client-broadcast", { "room-id": "r", roomType: "chat", topic: "t", data: { e: 1 }, "trace-id": "x" }),
    ).toEqual({ op: "client-broadcast", roomId: "r", roomType: "chat", topic: "t", data: { e: 1 } });
    expect(parseRoomCommand("set-presence", { "room-id": "r", data: null })).toEqual({ op: "set-presence", roomId: "r", data: {} });
    expect(parseRoomCommand("leave-room", { "room-id": "" })).toEqual({ op: "leave-room", roomId: "" });
  });

  it("a missing room-id is param-missing; a non-string one param-malformed", () => {
    const missing = thrown(parse("join-room", { data: {} }));
    expect([missing.type, missing.hint]).toEqual(["param-missing", { in: ["room-id"] }]);
    const malformed = thrown(parse("leave-room", { "room-id": 42 }));
    expect([malformed.type, malformed.hint]).toEqual(["param-malformed", { in: ["room-id"], "original-input": 42 }]);
  });

  it("presence data must be an object; a broadcast needs a string topic", () => {
    expect(thrown(parse("set-presence", { "room-id": "r", data: [1] })).hint).toEqual({ in: ["data"], "original-input": [1] });
    expect(thrown(parse("join-room", { "room-id": "r", data: "hi" })).type).toBe("param-malformed");
    expect(thrown(parse("client-broadcast", { "room-id": "r", data: 1 })).type).toBe("param-missing");
    expect(thrown(parse("client-broadcast", { "room-id": "r", topic: 5 })).type).toBe("param-malformed");
  });
});

describe("limits", () => {
  it("room id length", () => {
    const ok = "r".repeat(MAX_ROOM_ID_LENGTH);
    expect(parseRoomCommand("leave-room", { "room-id": ok })).toEqual({ op: "leave-room", roomId: ok });
    const e = thrown(parse("join-room", { "room-id": ok + "r" }));
    expect(e.type).toBe("validation-failed");
    expect(e.message).toBe(
      `Validation failed for room-id: Room id is ${MAX_ROOM_ID_LENGTH + 1} characters; the limit is ${MAX_ROOM_ID_LENGTH}.`,
    );
  });

  it("presence payload bytes, counted as UTF-8, on join and on set-presence", () => {
    expect(parseRoomCommand("set-presence", { "room-id": "r", data: presenceOfBytes(MAX_PRESENCE_BYTES) }).op).toBe("set-presence");
    for (const op of ["set-presence", "join-room"] as const) {
      const e = thrown(parse(op, { "room-id": "r", data: presenceOfBytes(MAX_PRESENCE_BYTES + 1) }));
      expect(e.type).toBe("validation-failed");
      expect(e.message).toContain(`Presence data is ${MAX_PRESENCE_BYTES + 1} bytes; the limit is ${MAX_PRESENCE_BYTES}.`);
    }
  });

  it("broadcast payload bytes and topic length", () => {
    const body = (data: JsonObject, topic = "t") => ({ "room-id": "r", topic, data });
    expect(parseRoomCommand("client-broadcast", body(presenceOfBytes(MAX_BROADCAST_BYTES))).op).toBe("client-broadcast");
    expect(thrown(parse("client-broadcast", body(presenceOfBytes(MAX_BROADCAST_BYTES + 1)))).message).toContain(
      `Broadcast data is ${MAX_BROADCAST_BYTES + 1} bytes`,
    );
    expect(thrown(parse("client-broadcast", body({}, "t".repeat(MAX_TOPIC_LENGTH + 1)))).type).toBe("validation-failed");
  });

  it("jsonByteLength agrees with Buffer for astral, BMP and escaped text", () => {
    for (const v of [{ s: "😀a€é\u0000\n\"" }, ["\ud83d"], "plain", 12.5, null]) {
      expect(jsonByteLength(v)).toBe(Buffer.byteLength(JSON.stringify(v), "utf8"));
    }
  });

  it("rooms per session: the next new room fails, existing rooms still re-join, others unaffected", () => {
    const sql = openNodeSql();
    migrate(sql);
    const store = new PresenceStore(sql);
    const s = { sessionId: "s", user: null };
    for (let i = 0; i < MAX_ROOMS_PER_SESSION; i++) onJoin(store, s, { roomId: `r${i}`, data: null }, () => true);
    const e = thrown(() => onJoin(store, s, { roomId: "one-too-many", data: null }, () => true));
    expect(e.type).toBe("validation-failed");
    expect(e.message).toContain(`at most ${MAX_ROOMS_PER_SESSION} rooms`);
    expect(store.room("one-too-many")).toEqual({});
    expect(store.roomsOf("s")).toHaveLength(MAX_ROOMS_PER_SESSION);
    expect(onJoin(store, s, { roomId: "r0", data: null }, () => true).reply?.op).toBe("join-room-ok");
    expect(onJoin(store, { sessionId: "t", user: null }, { roomId: "one-too-many", data: null }, () => true).deliveries).toHaveLength(1);
  });
});

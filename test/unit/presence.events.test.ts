import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  onBroadcast,
  onDisconnect,
  onJoin,
  onLeave,
  onRoomCommand,
  onSetPresence,
  onSweep,
  PresenceStore,
  roomPresenceForAdmin,
  type RoomDelivery,
} from "../../src/presence";
import { InstantError } from "../../src/protocol/errors";
import { parseRoomCommand } from "../../src/protocol/room-messages";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { ClientRoomView, expectedPeers } from "./presence.client-harness";

function setup() {
  const sql = openNodeSql();
  migrate(sql);
  return new PresenceStore(sql);
}
const allPatch = () => true;
const A = { sessionId: "A", user: null };
const B = { sessionId: "B", user: { id: "user-b" } };
const C = { sessionId: "C", user: null };
const to = (ds: RoomDelivery[], id: string) => ds.filter((d) => d.sessionId === id).map((d) => d.message);

describe("room events: docs/protocol.md §10.3 example sequence", () => {
  it("join, set-presence, second join, leave", () => {
    const store = setup();
    const r1 = onJoin(store, A, { roomId: "R", data: null, eventId: "e1" }, allPatch);
    expect(r1.reply).toEqual({ op: "join-room-ok", "room-id": "R", "client-event-id": "e1" });
    expect(r1.deliveries).toEqual([
      { sessionId: "A", message: { op: "refresh-presence", "room-id": "R", data: { A: { "peer-id": "A", user: null, data: {} } } } },
    ]);

    const r2 = onSetPresence(store, A, { roomId: "R", data: { x: 1 }, eventId: "e2" }, allPatch);
    expect(r2.reply).toEqual({ op: "set-presence-ok", "room-id": "R", "client-event-id": "e2" });
    expect(r2.deliveries).toEqual([
      { sessionId: "A", message: { op: "patch-presence", "room-id": "R", edits: [[["A", "data", "x"], "+", 1]] } },
    ]);

    const r3 = onJoin(store, B, { roomId: "R", data: null, eventId: "e3" }, allPatch);
    expect(to(r3.deliveries, "B")).toEqual([
      {
        op: "refresh-presence",
        "room-id": "R",
        data: {
          A: { "peer-id": "A", user: null, data: { x: 1 } },
          B: { "peer-id": "B", user: { id: "user-b" }, data: {} },
        },
      },
    ]);
    expect(to(r3.deliveries, "A")).toEqual([
      { op: "patch-presence", "room-id": "R", edits: [[["B"], "+", { "peer-id": "B", user: { id: "user-b" }, data: {} }]] },
    ]);

    const r4 = onLeave(store, B, { roomId: "R", eventId: "e4" }, allPatch);
    expect(r4.reply).toEqual({ op: "leave-room-ok", "room-id": "R", "client-event-id": "e4" });
    expect(r4.deliveries).toEqual([{ sessionId: "A", message: { op: "patch-presence", "room-id": "R", edits: [[["B"], "-"]] } }]);
  });
});

describe("room events: recipients", () => {
  it("clients too old for patches get full snapshots; nobody gets an empty patch", () => {
    const store = setup();
    const patchable = (id: string) => id !== "C";
    onJoin(store, A, { roomId: "R", data: null }, patchable);
    onJoin(store, C, { roomId: "R", data: null }, patchable);
    const r = onSetPresence(store, A, { roomId: "R", data: { t: 1 } }, patchable);
    expect(to(r.deliveries, "A")[0]!.op).toBe("patch-presence");
    expect(to(r.deliveries, "C")).toEqual([
      {
        op: "refresh-presence",
        "room-id": "R",
        data: { A: { "peer-id": "A", user: null, data: { t: 1 } }, C: { "peer-id": "C", user: null, data: {} } },
      },
    ]);
    // Same data again: the room did not change, so nothing goes out to anyone.
    expect(onSetPresence(store, A, { roomId: "R", data: { t: 1 } }, patchable).deliveries).toEqual([]);
  });

  it("a re-join by a member refreshes only that member and keeps its data", () => {
    const store = setup();
    onJoin(store, A, { roomId: "R", data: { a: 1 } }, allPatch);
    onJoin(store, B, { roomId: "R", data: null }, allPatch);
    const r = onJoin(store, A, { roomId: "R", data: { a: 2 } }, allPatch);
    expect(r.deliveries.map((d) => [d.sessionId, d.message.op])).toEqual([["A", "refresh-presence"]]);
    expect(store.peer("R", "A")!.data).toEqual({ a: 1 });
  });

  it("leave-room outside the room is acknowledged with no deliveries", () => {
    const store = setup();
    onJoin(store, A, { roomId: "R", data: null }, allPatch);
    const r = onLeave(store, B, { roomId: "R" }, allPatch);
    expect(r.reply).toEqual({ op: "leave-room-ok", "room-id": "R" });
    expect(r.deliveries).toEqual([]);
  });

  it("client views driven only by deliveries track the room through a busy sequence", () => {
    const store = setup();
    const views = new Map<string, ClientRoomView>();
    const deliver = (ds: RoomDelivery[]) => {
      for (const d of ds) {
        if (!views.has(d.sessionId)) views.set(d.sessionId, new ClientRoomView(d.sessionId, "R"));
        views.get(d.sessionId)!.receive(d.message);
      }
    };
    const old = (id: string) => id !== "B";
    deliver(onJoin(store, A, { roomId: "R", data: { typing: true } }, old).deliveries);
    deliver(onJoin(store, B, { roomId: "R", data: { list: [1, 2] } }, old).deliveries);
    deliver(onJoin(store, C, { roomId: "R", data: null }, old).deliveries);
    deliver(onSetPresence(store, A, { roomId: "R", data: {} }, old).deliveries);
    deliver(onSetPresence(store, B, { roomId: "R", data: { list: [] } }, old).deliveries);
    deliver(onSetPresence(store, C, { roomId: "R", data: { n: { m: 1 } } }, old).deliveries);
    deliver(onDisconnect(store, "A", old).deliveries);
    deliver(onSetPresence(store, C, { roomId: "R", data: { n: {} } }, old).deliveries);
    for (const id of ["B", "C"]) expect(views.get(id)!.peers).toEqual(expectedPeers(store.room("R"), id));
    expect(views.get("B")!.peers).toEqual({ C: { n: {} } });
  });
});

describe("room events: broadcasts", () => {
  it("goes to every other member with peer-id and user; the sender gets only the ack", () => {
    const store = setup();
    for (const s of [A, B, C]) onJoin(store, s, { roomId: "R", data: null }, allPatch);
    onJoin(store, { sessionId: "D", user: null }, { roomId: "elsewhere", data: null }, allPatch);
    const r = onBroadcast(store, B, { roomId: "R", topic: "emoji", data: { emoji: "🔥" }, eventId: "e9" });
    const payload = { "peer-id": "B", user: { id: "user-b" }, data: { emoji: "🔥" } };
    const message = { op: "server-broadcast", "room-id": "R", topic: "emoji", data: payload };
    expect(r.deliveries).toEqual([
      { sessionId: "A", message },
      { sessionId: "C", message },
    ]);
    expect(r.reply).toEqual({ op: "client-broadcast-ok", "room-id": "R", topic: "emoji", data: payload, "client-event-id": "e9" });
  });

  it("from outside the room is validation-failed", () => {
    const store = setup();
    onJoin(store, A, { roomId: "R", data: null }, allPatch);
    let err: unknown;
    try {
      onBroadcast(store, B, { roomId: "R", topic: "t", data: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstantError);
    expect((err as InstantError).toBody()).toEqual({
      type: "validation-failed",
      message: "Validation failed for room: You have not entered this room yet.",
      hint: {
        "data-type": "room",
        input: { "room-id": "R", "session-id": "B" },
        errors: [{ message: "You have not entered this room yet." }],
      },
    });
    expect(() => onSetPresence(store, B, { roomId: "R", data: {} }, allPatch)).toThrow(/not entered this room/);
  });
});

describe("room events: disconnects and wake-up", () => {
  it("a closed socket leaves all its rooms and each room's others are told at once", () => {
    const store = setup();
    onJoin(store, A, { roomId: "R1", data: null }, allPatch);
    onJoin(store, A, { roomId: "R2", data: null }, allPatch);
    onJoin(store, B, { roomId: "R1", data: null }, allPatch);
    onJoin(store, C, { roomId: "R2", data: null }, allPatch);
    const r = onDisconnect(store, "A", allPatch);
    expect(r.deliveries).toEqual([
      { sessionId: "B", message: { op: "patch-presence", "room-id": "R1", edits: [[["A"], "-"]] } },
      { sessionId: "C", message: { op: "patch-presence", "room-id": "R2", edits: [[["A"], "-"]] } },
    ]);
    expect(store.roomsOf("A")).toEqual([]);
  });

  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("after a restart, patches continue from the stored state and dead sessions are swept", () => {
    dir = mkdtempSync(join(tmpdir(), "presence-wake-"));
    const file = join(dir, "app.sqlite");
    const sql1 = openNodeSql(file);
    migrate(sql1);
    const before = new PresenceStore(sql1);
    const viewA = new ClientRoomView("A", "R");
    for (const s of [A, B, C]) {
      for (const d of onJoin(before, s, { roomId: "R", data: { who: s.sessionId } }, allPatch).deliveries) {
        if (d.sessionId === "A") viewA.receive(d.message);
      }
    }
    sql1.close();

    const sql2 = openNodeSql(file);
    const after = new PresenceStore(sql2);
    // C's socket is gone (its close was never delivered); A and B are still connected.
    const swept = onSweep(after, new Set(["A", "B"]), allPatch);
    expect(swept.deliveries.map((d) => d.sessionId)).toEqual(["A", "B"]);
    for (const d of swept.deliveries) if (d.sessionId === "A") viewA.receive(d.message);
    for (const d of onSetPresence(after, B, { roomId: "R", data: {} }, allPatch).deliveries) {
      if (d.sessionId === "A") viewA.receive(d.message);
    }
    expect(viewA.peers).toEqual({ B: {} });
    sql2.close();
  });
});

describe("room events: commands and admin read", () => {
  it("dispatches parsed wire commands", () => {
    const store = setup();
    const join = parseRoomCommand("join-room", { op: "join-room", "room-id": "R", "room-type": "chat", data: { n: 1 } });
    expect(onRoomCommand(store, A, join, "e1", allPatch).reply).toEqual({
      op: "join-room-ok",
      "room-id": "R",
      "client-event-id": "e1",
    });
    const set = parseRoomCommand("set-presence", { "room-id": "R", data: { n: 2 } });
    onRoomCommand(store, A, set, undefined, allPatch);
    expect(store.peer("R", "A")!.data).toEqual({ n: 2 });
    const bc = parseRoomCommand("client-broadcast", { "room-id": "R", roomType: "chat", topic: "t", data: [1] });
    expect(onRoomCommand(store, A, bc, "e3", allPatch).deliveries).toEqual([]);
    onRoomCommand(store, A, parseRoomCommand("leave-room", { "room-id": "R" }), "e4", allPatch);
    expect(store.room("R")).toEqual({});
  });

  it("reads a room for GET /admin/rooms/presence, optionally resolving users", () => {
    const store = setup();
    onJoin(store, A, { roomId: "R", data: { x: 1 } }, allPatch);
    onJoin(store, B, { roomId: "R", data: null }, allPatch);
    expect(roomPresenceForAdmin(store, "R", (id) => ({ id, email: `${id}@example.com` }))).toEqual({
      sessions: {
        A: { "peer-id": "A", user: null, data: { x: 1 } },
        B: { "peer-id": "B", user: { id: "user-b", email: "user-b@example.com" }, data: {} },
      },
    });
    expect(roomPresenceForAdmin(store, "nobody")).toEqual({ sessions: {} });
  });
});

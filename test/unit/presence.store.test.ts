import { useTempDir } from "../helpers/temp-dir";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOM, PresenceStore } from "../../src/presence";
import { InstantError } from "../../src/protocol/errors";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";

function memoryStore() {
  const sql = openNodeSql();
  migrate(sql);
  return { sql, store: new PresenceStore(sql) };
}

const rowCount = (sql: ReturnType<typeof openNodeSql>) => sql.all<{ n: number }>(`SELECT count(*) AS n FROM presence`)[0]!.n;

describe("PresenceStore", () => {
  it("joins with initial data, in join order, with the user recorded", () => {
    const { store } = memoryStore();
    store.join("r", "s1", null, { name: "Ada" });
    const change = store.join("r", "s2", { id: "u2" }, null);
    expect(change.prev).toEqual({ s1: { peerId: "s1", user: null, data: { name: "Ada" } } });
    expect(Object.keys(change.next)).toEqual(["s1", "s2"]);
    expect(store.room("r").s2).toEqual({ peerId: "s2", user: { id: "u2" }, data: {} });
    expect(store.isMember("r", "s2")).toBe(true);
    expect(store.isMember("r", "s3")).toBe(false);
  });

  it("keeps an existing member's data on re-join, but takes the new user", () => {
    const { store } = memoryStore();
    store.join("r", "s1", null, { v: 1 });
    store.setData("r", "s1", { v: 2 });
    store.join("r", "s1", { id: "u" }, { v: 3 });
    expect(store.peer("r", "s1")).toEqual({ peerId: "s1", user: { id: "u" }, data: { v: 2 } });
  });

  it("setData replaces the data entirely and leaves other peers identical by reference", () => {
    const { store } = memoryStore();
    store.join("r", "s1", null, { a: 1, b: 2 });
    store.join("r", "s2", null, { z: 1 });
    const before = store.room("r");
    const change = store.setData("r", "s1", { c: 3 });
    expect(change.next.s1!.data).toEqual({ c: 3 });
    expect(change.next.s2).toBe(before.s2);
    expect(change.prev).toBe(before);
  });

  it("setData outside the room is validation-failed and writes nothing", () => {
    const { sql, store } = memoryStore();
    store.join("other", "s1", null, null);
    let err: unknown;
    try {
      store.setData("r", "s1", { x: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstantError);
    expect((err as InstantError).type).toBe("validation-failed");
    expect((err as InstantError).message).toBe("Validation failed for room: You have not entered this room yet.");
    expect(rowCount(sql)).toBe(1);
  });

  it("leave removes one membership; an emptied room has no rows and reads as empty", () => {
    const { sql, store } = memoryStore();
    store.join("r", "s1", null, null);
    store.join("r", "s2", null, null);
    expect(store.leave("r", "s1")!.next).toEqual({ s2: { peerId: "s2", user: null, data: {} } });
    expect(store.leave("r", "s1")).toBeNull();
    expect(store.leave("r", "s2")!.next).toBe(EMPTY_ROOM);
    expect(store.room("r")).toEqual({});
    expect(rowCount(sql)).toBe(0);
  });

  it("roomsOf / leaveAll cover every room of a session and no other session's", () => {
    const { store } = memoryStore();
    for (const r of ["r1", "r2", "r3"]) store.join(r, "s1", null, null);
    store.join("r2", "s2", null, null);
    expect(store.roomsOf("s1")).toEqual(["r1", "r2", "r3"]);
    expect(store.leaveAll("s1")).toEqual(["r1", "r2", "r3"]);
    expect(store.roomsOf("s1")).toEqual([]);
    expect(store.room("r2")).toEqual({ s2: { peerId: "s2", user: null, data: {} } });
    expect(store.room("r1")).toEqual({});
  });

  it("retainSessions drops dead sessions and reports one change per affected room", () => {
    const { store } = memoryStore();
    store.join("r1", "live", null, null);
    store.join("r1", "dead1", null, null);
    store.join("r1", "dead2", null, null);
    store.join("r2", "dead1", null, null);
    store.join("r3", "live", null, null);
    const changes = store.retainSessions(new Set(["live"]));
    expect(changes.map((c) => [c.roomId, Object.keys(c.prev), Object.keys(c.next)])).toEqual([
      ["r1", ["live", "dead1", "dead2"], ["live"]],
      ["r2", ["dead1"], []],
    ]);
    expect(store.sessionIds()).toEqual(["live"]);
  });

  it("a second store over the same database reads what the first wrote (no private state)", () => {
    const { sql, store } = memoryStore();
    store.join("r", "s1", { id: "u" }, { deep: { list: [1, "two", null, { t: true }] } });
    expect(new PresenceStore(sql).room("r")).toEqual(store.room("r"));
  });
});

describe("PresenceStore across a restart (hibernation)", () => {
  const tempDir = useTempDir("presence-");

  it("memberships and presence survive closing and reopening the database file", () => {
    const file = join(tempDir(), "app.sqlite");
    const first = openNodeSql(file);
    migrate(first);
    const before = new PresenceStore(first);
    before.join("room-1", "s1", { id: "u1" }, { cursor: { x: 1, y: 2 } });
    before.join("room-1", "s2", null, null);
    before.join("room-2", "s1", { id: "u1" }, { typing: true });
    before.setData("room-1", "s2", { name: "Bo" });
    before.leave("room-2", "s1");
    first.close();

    const second = openNodeSql(file);
    expect(migrate(second)).toEqual([]);
    const after = new PresenceStore(second);
    expect(after.room("room-1")).toEqual({
      s1: { peerId: "s1", user: { id: "u1" }, data: { cursor: { x: 1, y: 2 } } },
      s2: { peerId: "s2", user: null, data: { name: "Bo" } },
    });
    expect(after.room("room-2")).toEqual({});
    expect(after.roomsOf("s1")).toEqual(["room-1"]);
    // Writes after the wake build on the stored state.
    expect(Object.keys(after.leave("room-1", "s1")!.next)).toEqual(["s2"]);
    second.close();
  });
});

/**
 * Room rules (`$rooms`, beyond Instant): `join` on join-room, `presence` on set-presence
 * and a join's initial presence, `broadcast` on client-broadcast. A refused join answers
 * join-room-error, a refused presence or broadcast an error frame, both Instant's
 * permission-denied body with the client-event-id; no peer ever hears of a refused op.
 */
import { describe, expect, it } from "vitest";
import { issueRefreshToken } from "../../src/auth/refresh-tokens";
import { cryptoRandomBytes } from "../../src/auth/random";
import { createUserSteps } from "../../src/auth/users";
import { commit } from "../../src/core/commit";
import { authContext } from "../../src/model/auth-context";
import type { JsonValue } from "../../src/model/triple";
import { checkRules } from "../../src/permissions/check-rules";
import { TEST_ADMIN_TOKEN, TEST_APP_ID, testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

function world(rules: JsonValue) {
  const app = testApp(null, rules);
  const user = (email: string) => {
    const id = uuid();
    commit(app.ctx, authContext(TEST_APP_ID, null, true), createUserSteps(app.attrs, id, { email }));
    return { id, token: issueRefreshToken(app.sql, cryptoRandomBytes, id, Date.now()) };
  };
  const ann = user("ann@example.com");
  const bob = user("bob@example.com");
  const sessionOf = (who: { token: string } | null | "admin"): string => {
    const s = app.open();
    const extra = who === null ? {} : who === "admin" ? { "__admin-token": TEST_ADMIN_TOKEN } : { "refresh-token": who.token };
    expect(app.init(s, extra).get(s)![0]).toMatchObject({ op: "init-ok" });
    return s;
  };
  const join = (s: string, roomId: string, roomType: string | null, data?: JsonValue) =>
    app.send(s, { op: "join-room", "client-event-id": "j", "room-id": roomId, ...(roomType === null ? {} : { "room-type": roomType }), ...(data === undefined ? {} : { data }) });
  const setPresence = (s: string, roomId: string, data: JsonValue) => app.send(s, { op: "set-presence", "client-event-id": "p", "room-id": roomId, data });
  const broadcast = (s: string, roomId: string, roomType: string, topic: string, data: JsonValue) =>
    app.send(s, { op: "client-broadcast", "client-event-id": "b", "room-id": roomId, roomType, topic, data });
  return { app, ann, bob, sessionOf, join, setPresence, broadcast };
}

const DENIED = { type: "permission-denied", message: "Permission denied: not perms-pass?" };

describe("join rules", () => {
  const RULES = {
    $rooms: {
      chat: { allow: { join: "auth.id != null" } },
      mine: { allow: { join: "roomId == 'room-' + auth.id" } },
      $default: { allow: { join: "auth.email == 'ann@example.com'" } },
    },
  };

  it("a denied join answers join-room-error with the event id, and the members hear nothing", () => {
    const w = world(RULES);
    const ann = w.sessionOf(w.ann);
    expect(w.join(ann, "r1", "chat").get(ann)![0]).toMatchObject({ op: "join-room-ok" });
    const anon = w.sessionOf(null);
    const got = w.join(anon, "r1", "chat");
    expect([...got.keys()]).toEqual([anon]);
    expect(got.get(anon)).toEqual([
      {
        op: "join-room-error",
        "room-id": "r1",
        "client-event-id": "j",
        status: 400,
        ...DENIED,
        hint: { input: ["$rooms", "chat", "join"], expected: "perms-pass?" },
        error: { ...DENIED, hint: { input: ["$rooms", "chat", "join"], expected: "perms-pass?" } },
      },
    ]);
    expect(w.app.ctx.presence.isMember("r1", anon)).toBe(false);
  });

  it("roomId is a variable; $default serves other room types; admins pass", () => {
    const w = world(RULES);
    const bob = w.sessionOf(w.bob);
    expect(w.join(bob, `room-${w.bob.id}`, "mine").get(bob)![0]).toMatchObject({ op: "join-room-ok" });
    expect(w.join(bob, `room-${w.ann.id}`, "mine").get(bob)![0]).toMatchObject({ op: "join-room-error" });
    expect(w.join(bob, "x", "other").get(bob)![0]).toMatchObject({ op: "join-room-error", hint: { input: ["$rooms", "other", "join"] } });
    const ann = w.sessionOf(w.ann);
    expect(w.join(ann, "x", "other").get(ann)![0]).toMatchObject({ op: "join-room-ok" });
    expect(w.join(ann, "y", null).get(ann)![0]).toMatchObject({ op: "join-room-ok" });
    const admin = w.sessionOf("admin");
    expect(w.join(admin, "z", "other").get(admin)![0]).toMatchObject({ op: "join-room-ok" });
  });

  it("no rules (or no $rooms section) allow every room op", () => {
    const w = world({ todos: { allow: { view: "false" } } });
    const anon = w.sessionOf(null);
    expect(w.join(anon, "r", "chat", { a: 1 }).get(anon)![0]).toMatchObject({ op: "join-room-ok" });
    expect(w.setPresence(anon, "r", { a: 2 }).get(anon)![0]).toMatchObject({ op: "set-presence-ok" });
  });
});

describe("presence and broadcast rules", () => {
  const RULES = {
    $rooms: {
      chat: {
        bind: ["isBanned", "newData.status == 'banned'"],
        allow: { presence: "!isBanned", broadcast: "topic == 'emoji' && data.size() < 3" },
      },
    },
  };

  it("a join whose initial presence is denied is refused", () => {
    const w = world(RULES);
    const s = w.sessionOf(w.ann);
    expect(w.join(s, "r", "chat", { status: "banned" }).get(s)![0]).toMatchObject({ op: "join-room-error", hint: { input: ["$rooms", "chat", "presence"] } });
    expect(w.join(s, "r", "chat", { status: "ok" }).get(s)![0]).toMatchObject({ op: "join-room-ok" });
  });

  it("a denied set-presence is an error frame with the event id; peers see no change", () => {
    const w = world(RULES);
    const ann = w.sessionOf(w.ann);
    const bob = w.sessionOf(w.bob);
    w.join(ann, "r", "chat", { status: "ok" });
    w.join(bob, "r", "chat", { status: "ok" });
    const got = w.setPresence(bob, "r", { status: "banned" });
    expect([...got.keys()]).toEqual([bob]);
    expect(got.get(bob)).toEqual([
      expect.objectContaining({ op: "error", "client-event-id": "p", ...DENIED, hint: { input: ["$rooms", "chat", "presence"], expected: "perms-pass?" } }),
    ]);
    expect(w.app.ctx.presence.peer("r", bob)?.data).toEqual({ status: "ok" });
    // The room type is kept with the membership, also across a reload from SQLite.
    w.app.ctx.presence.clearCache();
    expect(w.setPresence(bob, "r", { status: "banned" }).get(bob)![0]).toMatchObject({ op: "error", type: "permission-denied" });
    const ok = w.setPresence(bob, "r", { status: "away" });
    expect(ok.get(bob)![0]).toMatchObject({ op: "set-presence-ok" });
    expect(ok.has(ann)).toBe(true);
  });

  it("a denied broadcast is an error frame; no peer receives it", () => {
    const w = world(RULES);
    const ann = w.sessionOf(w.ann);
    const bob = w.sessionOf(w.bob);
    w.join(ann, "r", "chat");
    w.join(bob, "r", "chat");
    const denied = w.broadcast(bob, "r", "chat", "secret", { a: 1 });
    expect([...denied.keys()]).toEqual([bob]);
    expect(denied.get(bob)![0]).toMatchObject({ op: "error", "client-event-id": "b", type: "permission-denied", hint: { input: ["$rooms", "chat", "broadcast"] } });
    expect(w.broadcast(bob, "r", "chat", "emoji", { a: 1, b: 2, c: 3 }).has(ann)).toBe(false);
    const allowed = w.broadcast(bob, "r", "chat", "emoji", { e: "🎉" });
    expect(allowed.get(ann)![0]).toMatchObject({ op: "server-broadcast", topic: "emoji" });
  });
});

describe("$rooms in the rules document", () => {
  it("is accepted, compiled and checked when saved", () => {
    expect(() => checkRules({ $rooms: { chat: { allow: { join: "auth.id != null", presence: "newData.x == 1", broadcast: "topic == 'a'" } } } })).not.toThrow();
    expect(() => checkRules({ $rooms: { $default: { allow: { $default: "newData.x == 1" } } } })).not.toThrow();
    const refused = (doc: JsonValue) => {
      try {
        checkRules(doc as never);
      } catch (e) {
        return JSON.stringify((e as { hint?: unknown }).hint);
      }
      return null;
    };
    expect(refused({ $rooms: { chat: { allow: { join: "newData.x == 1" } } } })).toContain("$rooms.chat.allow.join");
    expect(refused({ $rooms: { chat: { allow: { enter: "true" } } } })).toContain("not a room action");
    expect(refused({ $rooms: { chat: { allow: { join: "auth.id ==" } } } })).toContain("$rooms.chat.allow.join");
    expect(refused({ $rooms: { chat: { fields: {} } } })).toContain("rooms have allow and bind");
    expect(refused({ $rooms: "nope" })).toContain("must be an object");
  });
});

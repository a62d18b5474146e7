/**
 * Selective invalidation through whole sessions (test/helpers/app-context.ts): a write
 * recomputes only the subscriptions whose reads it touched (counted by the shared query
 * cache, which the fan-out empties and refills with exactly what it evaluates), and
 * every kind of relevant change still refreshes.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import type { ServerMessage } from "../../src/protocol/server-messages";
import { testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

/** todos(id, title, done) —owner (has one, cascade on owner delete)→ owners(id, name), seeded. */
function world() {
  const app = testApp();
  const writer = app.open();
  app.init(writer);
  const A = { todoId: uuid(), title: uuid(), done: uuid(), ownerId: uuid(), name: uuid(), owner: uuid() };
  const blob = (id: string, etype: string, label: string, unique = false) =>
    ["add-attr", { id, "forward-identity": [uuid(), etype, label], "value-type": "blob", cardinality: "one", "unique?": unique, "index?": unique }];
  const [T1, T2, T3, O1, O2] = [uuid(), uuid(), uuid(), uuid(), uuid()];
  let n = 0;
  const tx = (steps: JsonValue[]) => {
    const got = app.send(writer, { op: "transact", "client-event-id": `t${++n}`, "tx-steps": steps });
    expect(got.get(writer)![0]).toMatchObject({ op: "transact-ok" });
    return got;
  };
  const todo = (id: string, title: string, done: boolean): JsonValue[] => [["add-triple", id, A.todoId, id], ["add-triple", id, A.title, title], ["add-triple", id, A.done, done]];
  tx([
    blob(A.todoId, "todos", "id", true),
    blob(A.title, "todos", "title"),
    blob(A.done, "todos", "done"),
    blob(A.ownerId, "owners", "id", true),
    blob(A.name, "owners", "name"),
    ["add-attr", { id: A.owner, "forward-identity": [uuid(), "todos", "owner"], "reverse-identity": [uuid(), "owners", "todos"], "value-type": "ref", cardinality: "one", "unique?": false, "index?": false, "on-delete": "cascade" }],
    ...todo(T1, "milk", false),
    ...todo(T2, "eggs", true),
    ...todo(T3, "bread", false),
    ["add-triple", O1, A.ownerId, O1],
    ["add-triple", O1, A.name, "ann"],
    ["add-triple", O2, A.ownerId, O2],
    ["add-triple", O2, A.name, "bob"],
    ["add-triple", T1, A.owner, O1],
    ["add-triple", T2, A.owner, O1],
  ]);
  /** One session per query, so "who got a refresh" names the query. */
  const watch = (q: JsonValue): string => {
    const s = app.open();
    app.init(s);
    expect(app.send(s, { op: "add-query", "client-event-id": "q", q }).get(s)![0]).toMatchObject({ op: "add-query-ok" });
    return s;
  };
  /** Runs a write; returns the sessions refreshed with a computation and how many queries it evaluated. */
  const write = (steps: JsonValue[]) => {
    const got = tx(steps);
    const refreshed = new Set([...got].filter(([, ms]) => ms.some(hasComputation)).map(([s]) => s));
    return { refreshed, evaluated: app.ctx.queryCache.size };
  };
  return { app, A, T1, T2, T3, O1, O2, todo, watch, write };
}

const hasComputation = (m: ServerMessage) => m.op === "refresh-ok" && Array.isArray(m.computations) && m.computations.length > 0;

describe("invalidation: unrelated writes on the same etype recompute nothing", () => {
  it("a query pinned to an entity id skips writes to other entities, and new entities", () => {
    const w = world();
    const one = w.watch({ todos: { $: { where: { id: w.T1 } } } });
    const some = w.watch({ todos: { $: { where: { id: { $in: [w.T1, w.T2] } } } } });
    expect(w.write([["add-triple", w.T3, w.A.title, "rye"]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write(w.todo(uuid(), "new", false))).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.T2, w.A.done, false]])).toEqual({ refreshed: new Set([some]), evaluated: 1 });
    expect(w.write([["add-triple", w.T1, w.A.title, "oat milk"]])).toEqual({ refreshed: new Set([one, some]), evaluated: 2 });
  });

  it("a query with fields skips writes to attrs it does not return", () => {
    const w = world();
    const titles = w.watch({ todos: { $: { fields: ["title"] } } });
    expect(w.write([["add-triple", w.T1, w.A.done, true]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.T1, w.A.title, "x"]])).toEqual({ refreshed: new Set([titles]), evaluated: 1 });
  });

  it("a where query skips field writes to entities it does not return", () => {
    const w = world();
    const done = w.watch({ todos: { $: { where: { done: true } } } });
    expect(w.write([["add-triple", w.T1, w.A.title, "x"]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.T2, w.A.title, "x"]])).toEqual({ refreshed: new Set([done]), evaluated: 1 });
  });

  it("a child form skips field writes to entities outside its links", () => {
    const w = world();
    const owned = w.watch({ owners: { $: { where: { id: w.O1 } }, todos: {} } });
    expect(w.write([["add-triple", w.T3, w.A.title, "x"]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.O2, w.A.name, "bo"]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.T2, w.A.title, "x"]])).toEqual({ refreshed: new Set([owned]), evaluated: 1 });
  });
});

describe("invalidation: every relevant change still refreshes", () => {
  it("field updates and retractions", () => {
    const w = world();
    const s = w.watch({ todos: { $: { where: { id: w.T1 } } } });
    expect(w.write([["add-triple", w.T1, w.A.done, true]]).refreshed).toEqual(new Set([s]));
    expect(w.write([["retract-triple", w.T1, w.A.title, "milk"]]).refreshed).toEqual(new Set([s]));
  });

  it("link add and remove, seen from the forward and the reverse side", () => {
    const w = world();
    const fwd = w.watch({ todos: { $: { where: { id: w.T3 } }, owner: {} } });
    const rev = w.watch({ owners: { $: { where: { id: w.O2 } }, todos: {} } });
    const byPath = w.watch({ todos: { $: { where: { "owner.name": "bob" } } } });
    const revPath = w.watch({ owners: { $: { where: { "todos.title": "bread" } } } });
    const all = new Set([fwd, rev, byPath, revPath]);
    expect(w.write([["add-triple", w.T3, w.A.owner, w.O2]]).refreshed).toEqual(all);
    expect(w.write([["retract-triple", w.T3, w.A.owner, w.O2]]).refreshed).toEqual(all);
  });

  it("replacing a has-one link refreshes the old and the new target's reverse links", () => {
    const w = world();
    const o1 = w.watch({ owners: { $: { where: { id: w.O1 } }, todos: {} } });
    const o2 = w.watch({ owners: { $: { where: { id: w.O2 } }, todos: {} } });
    expect(w.write([["add-triple", w.T1, w.A.owner, w.O2]]).refreshed).toEqual(new Set([o1, o2]));
  });

  it("a linked entity's fields, through a child form", () => {
    const w = world();
    const s = w.watch({ todos: { $: { where: { id: w.T1 } }, owner: {} } });
    expect(w.write([["add-triple", w.O2, w.A.name, "x"]]).refreshed).toEqual(new Set());
    expect(w.write([["add-triple", w.O1, w.A.name, "x"]]).refreshed).toEqual(new Set([s]));
  });

  it("delete-entity, and the entities its cascade deletes", () => {
    const w = world();
    const t1 = w.watch({ todos: { $: { where: { id: w.T1 } } } });
    const t3 = w.watch({ todos: { $: { where: { id: w.T3 } } } });
    const owners = w.watch({ owners: {} });
    const titles = w.watch({ todos: { $: { fields: ["title"] } } });
    // Deleting O1 cascades to T1 and T2 (todos.owner has on-delete cascade).
    expect(w.write([["delete-entity", w.O1, "owners"]]).refreshed).toEqual(new Set([t1, owners, titles]));
    expect(w.write([["delete-entity", w.T3, "todos"]]).refreshed).toEqual(new Set([t3, titles]));
    void w.app;
  });

  it("a new entity matching a where, or the id a query pins", () => {
    const w = world();
    const T9 = uuid();
    const done = w.watch({ todos: { $: { where: { done: true } } } });
    const pinned = w.watch({ todos: { $: { where: { id: T9 } } } });
    const notDone = w.watch({ todos: { $: { where: { done: false } } } });
    expect(w.write(w.todo(uuid(), "new", true)).refreshed).toEqual(new Set([done]));
    expect(w.write(w.todo(T9, "nine", false)).refreshed).toEqual(new Set([pinned, notDone]));
  });

  it("an entity that starts matching a where after a field update", () => {
    const w = world();
    const done = w.watch({ todos: { $: { where: { done: true } } } });
    expect(w.write([["add-triple", w.T3, w.A.done, true]]).refreshed).toEqual(new Set([done]));
  });

  it("a linked entity created after the link, through a child form", () => {
    const w = world();
    const O9 = uuid();
    const s = w.watch({ todos: { $: { where: { id: w.T3 } }, owner: {} } });
    // A link to an owner that does not exist yet: the child form is still empty.
    expect(w.write([["add-triple", w.T3, w.A.owner, O9]]).refreshed).toEqual(new Set([s]));
    expect(w.write([["add-triple", O9, w.A.ownerId, O9]]).refreshed).toEqual(new Set([s]));
  });

  it("an attr change refreshes every session with the new attrs", () => {
    const w = world();
    const s = w.watch({ todos: { $: { where: { id: w.T1 } } } });
    const got = w.app.send(s, {
      op: "transact",
      "client-event-id": "a",
      "tx-steps": [["add-attr", { id: uuid(), "forward-identity": [uuid(), "todos", "notes"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false }]],
    });
    expect(got.get(s)!.find((m) => m.op === "refresh-ok")).toMatchObject({ attrs: expect.any(Array) });
    expect(w.app.ctx.queryCache.size).toBe(1);
  });
});

describe("invalidation: persisted deps", () => {
  it("keeps refreshing a subscription persisted before attr tracking (etype deps only)", () => {
    const w = world();
    const s = w.watch({ todos: { $: { where: { id: w.T1 } } } });
    // As an older version wrote the row: a bare array of etypes.
    w.app.sql.run(`UPDATE subscriptions SET deps = ? WHERE session_id = ?`, JSON.stringify(["todos"]), s);
    const reloaded = new (w.app.ctx.subscriptions.constructor as new (sql: unknown) => typeof w.app.ctx.subscriptions)(w.app.sql);
    Object.assign(w.app.ctx, { subscriptions: reloaded });
    expect(reloaded.ofSession(s)[0]!.deps).toEqual({ etypes: ["todos"] });
    // Matched by etype (recomputed, result unchanged so not sent) and then upgraded.
    expect(w.write([["add-triple", w.T2, w.A.title, "x"]])).toEqual({ refreshed: new Set(), evaluated: 1 });
    expect(reloaded.ofSession(s)[0]!.deps).toMatchObject({ attrIds: expect.any(Array) });
    expect(w.write([["add-triple", w.T2, w.A.title, "y"]])).toEqual({ refreshed: new Set(), evaluated: 0 });
    expect(w.write([["add-triple", w.T1, w.A.title, "y"]]).refreshed).toEqual(new Set([s]));
  });
});

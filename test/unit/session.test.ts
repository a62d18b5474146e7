import { describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, TEST_APP_ID, testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

function todoAttrs() {
  const ids = { id: uuid(), title: uuid() };
  const steps = [
    ["add-attr", { id: ids.id, "forward-identity": [uuid(), "todos", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false, isUnsynced: true }],
    ["add-attr", { id: ids.title, "forward-identity": [uuid(), "todos", "title"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false, isUnsynced: true }],
  ];
  return { ids, steps };
}

describe("session: init", () => {
  it("answers init-ok with session id, attrs and status, then refuses a second init", () => {
    const app = testApp();
    const s = app.open();
    const [ok] = app.init(s).get(s)!;
    expect(ok).toMatchObject({ op: "init-ok", "client-event-id": "init", "session-id": s, "app-status": { status: "active" } });
    expect(JSON.stringify(ok!.attrs)).not.toContain("isUnsynced");
    const [again] = app.init(s).get(s)!;
    expect(again).toMatchObject({ op: "error", type: "validation-failed", "original-event": { op: "init" } });
  });

  it("rejects a wrong app id, a wrong admin token, and a refresh token it cannot resolve", () => {
    const app = testApp();
    const s1 = app.open();
    expect(app.init(s1, { "app-id": uuid() }).get(s1)![0]).toMatchObject({ type: "record-not-found", hint: { "record-type": "app" } });
    const s2 = app.open();
    expect(app.init(s2, { "__admin-token": uuid() }).get(s2)![0]).toMatchObject({ hint: { "record-type": "app-admin-token" } });
    const s3 = app.open();
    expect(app.init(s3, { "refresh-token": "stale" }).get(s3)![0]).toMatchObject({ hint: { "record-type": "app-user" } });
    const s4 = app.open();
    expect(app.init(s4, { "__admin-token": TEST_ADMIN_TOKEN }).get(s4)![0]).toMatchObject({ op: "init-ok", auth: { "admin?": true } });
  });

  it("answers malformed frames with an error and keeps the session usable", () => {
    const app = testApp();
    const s = app.open();
    app.init(s);
    expect(app.send(s, "not an object").get(s)![0]).toMatchObject({ op: "error", type: "param-malformed" });
    expect(app.send(s, { op: "transact", "client-event-id": "t", "tx-steps": "nope" }).get(s)![0]).toMatchObject({
      op: "error",
      "client-event-id": "t",
      "original-event": { op: "transact" },
    });
    expect(app.send(s, { op: "add-query", "client-event-id": "q", q: { todos: {} } }).get(s)![0]).toMatchObject({ op: "add-query-ok" });
  });
});

describe("session: queries and refreshes", () => {
  it("pushes refresh-ok to every subscribed session, sender included, with new attrs", () => {
    const app = testApp();
    const [a, b] = [app.open(), app.open()];
    app.init(a);
    app.init(b);
    const q = { todos: {} };
    const added = app.send(a, { op: "add-query", "client-event-id": "qa", q }).get(a)![0]!;
    expect(added).toMatchObject({ op: "add-query-ok", q, "processed-tx-id": 1 });
    app.send(b, { op: "add-query", "client-event-id": "qb", q });

    const { ids, steps } = todoAttrs();
    const todo = uuid();
    const got = app.send(b, { op: "transact", "client-event-id": "t1", "tx-steps": [...steps, ["add-triple", todo, ids.id, todo], ["add-triple", todo, ids.title, "milk"]] });
    const [ack, refreshB] = got.get(b)!;
    expect(ack).toMatchObject({ op: "transact-ok", "client-event-id": "t1", "tx-id": 2 });
    for (const refresh of [refreshB, got.get(a)![0]]) {
      expect(refresh).toMatchObject({ op: "refresh-ok", "processed-tx-id": 2 });
      expect((refresh!.attrs as { id: string }[]).map((x) => x.id)).toEqual(expect.arrayContaining([ids.id, ids.title]));
      const rows = (refresh!.computations as any[])[0]["instaql-result"][0].data["datalog-result"]["join-rows"][0];
      expect(rows).toEqual(expect.arrayContaining([[todo, ids.title, "milk", expect.any(Number)]]));
    }
  });

  it("sends nothing to sessions whose results did not change", () => {
    const app = testApp();
    const [a, b] = [app.open(), app.open()];
    app.init(a);
    app.init(b);
    const { ids, steps } = todoAttrs();
    const todo = uuid();
    app.send(a, { op: "transact", "client-event-id": "t0", "tx-steps": [...steps, ["add-triple", todo, ids.id, todo]] });
    app.send(b, { op: "add-query", "client-event-id": "q", q: { notes: {} } });
    const got = app.send(a, { op: "transact", "client-event-id": "t1", "tx-steps": [["add-triple", todo, ids.title, "x"]] });
    expect(got.get(b)).toBeUndefined();
  });

  it("answers a repeated add-query with add-query-exists and stops refreshing after remove-query", () => {
    const app = testApp();
    const a = app.open();
    app.init(a);
    const q = { todos: { $: { where: { title: "x" } } } };
    app.send(a, { op: "add-query", "client-event-id": "q1", q });
    expect(app.send(a, { op: "add-query", "client-event-id": "q2", q }).get(a)![0]).toMatchObject({ op: "add-query-exists" });
    app.send(a, { op: "remove-query", "client-event-id": "r", q });
    const { ids, steps } = todoAttrs();
    const todo = uuid();
    const got = app.send(a, { op: "transact", "client-event-id": "t", "tx-steps": [...steps, ["add-triple", todo, ids.id, todo], ["add-triple", todo, ids.title, "x"]] });
    // Only the attr change is announced; no computation for the removed query.
    const refresh = got.get(a)!.find((m) => m.op === "refresh-ok")!;
    expect(refresh.computations).toEqual([]);
  });

  it("rejects a unique violation with the mutation's event id and writes nothing", () => {
    const app = testApp();
    const a = app.open();
    app.init(a);
    const email = uuid();
    const idAttr = uuid();
    const steps = [
      ["add-attr", { id: idAttr, "forward-identity": [uuid(), "users", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false }],
      ["add-attr", { id: email, "forward-identity": [uuid(), "users", "email"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": true }],
    ];
    const [u1, u2] = [uuid(), uuid()];
    app.send(a, { op: "transact", "client-event-id": "t1", "tx-steps": [...steps, ["add-triple", u1, idAttr, u1], ["add-triple", u1, email, "a@b.c"]] });
    const before = app.sql.all(`SELECT COUNT(*) AS n FROM triples`)[0]!.n;
    const [err] = app.send(a, { op: "transact", "client-event-id": "t2", "tx-steps": [["add-triple", u2, idAttr, u2], ["add-triple", u2, email, "a@b.c"]] }).get(a)!;
    expect(err).toMatchObject({ op: "error", type: "record-not-unique", "client-event-id": "t2", status: 400 });
    expect(app.sql.all(`SELECT COUNT(*) AS n FROM triples`)[0]!.n).toBe(before);
  });

  it("keeps the app id binding: the session's app must be the created one", () => {
    const app = testApp();
    const s = app.open();
    expect(app.init(s).get(s)![0]).toMatchObject({ auth: { app: { id: TEST_APP_ID } } });
  });
});

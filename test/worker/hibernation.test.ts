/**
 * Durable Object eviction (hibernation) with sockets left open: sessions keep their
 * identity, init state and subscriptions, and writes after the wake are delivered live.
 */
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createTestApp, initSocket } from "./gateway";

const todoSteps = (todoId: string, title: string, attrs: { id: string; title: string }) => [
  ["add-attr", { id: attrs.id, "forward-identity": [crypto.randomUUID(), "todos", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false, isUnsynced: true }],
  ["add-attr", { id: attrs.title, "forward-identity": [crypto.randomUUID(), "todos", "title"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false, isUnsynced: true }],
  ["add-triple", todoId, attrs.id, todoId],
  ["add-triple", todoId, attrs.title, title],
];

describe("hibernation", () => {
  it("keeps sessions and subscriptions across evictDurableObject", async () => {
    const app = await createTestApp();
    const stub = env.APP.get(env.APP.idFromName(app.id));
    const watcher = await initSocket(app.id);
    const writer = await initSocket(app.id);
    const first = await watcher.request({ op: "add-query", "client-event-id": "q", q: { todos: {} } }, (f) => f.op === "add-query-ok");
    const sessionBefore = watcher.frames.find((f) => f.op === "init-ok")!["session-id"];

    await evictDurableObject(stub);

    const attrs = { id: crypto.randomUUID(), title: crypto.randomUUID() };
    const todo = crypto.randomUUID();
    const from = watcher.frames.length;
    const ok = await writer.request(
      { op: "transact", "client-event-id": "t1", "tx-steps": todoSteps(todo, "after eviction", attrs) },
      (f) => f.op === "transact-ok",
    );
    expect(ok["tx-id"]).toBeGreaterThan(first["processed-tx-id"]);
    const refresh = await watcher.next((f) => f.op === "refresh-ok" && f.computations.length > 0, from);
    expect(refresh["processed-tx-id"]).toBe(ok["tx-id"]);
    expect(refresh.attrs.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([attrs.id, attrs.title]));
    const triples = refresh.computations[0]["instaql-result"][0].data["datalog-result"]["join-rows"][0];
    expect(triples).toEqual(expect.arrayContaining([[todo, attrs.title, "after eviction", expect.any(Number)]]));

    // A second eviction: the session answers as the same, already-initialised session.
    await evictDurableObject(stub);
    const again = await watcher.request({ op: "init", "client-event-id": "i2", "app-id": app.id, versions: {} }, (f) => f["client-event-id"] === "i2");
    expect(again).toMatchObject({ op: "error", type: "validation-failed" });
    expect(watcher.frames.find((f) => f.op === "init-ok")!["session-id"]).toBe(sessionBefore);
    const exists = await watcher.request({ op: "add-query", "client-event-id": "q-again", q: { todos: {} } }, (f) => f["client-event-id"] === "q-again");
    expect(exists.op).toBe("add-query-exists");
  });
});

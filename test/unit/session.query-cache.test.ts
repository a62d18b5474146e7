import { describe, expect, it } from "vitest";
import type { Evaluated } from "../../src/core/evaluate-query";
import { QUERY_CACHE_MAX_ENTRIES, QUERY_CACHE_MAX_TRIPLES, QueryCache } from "../../src/core/query-cache";
import { testApp } from "../helpers/app-context";

const evaluated = (triples: number): Evaluated => ({
  hash: String(triples),
  result: {
    triples: Array.from({ length: triples }, (_, i) => [`e${i}`, "a", i, 1] as const),
    pageInfo: {},
    aggregate: {},
    deps: { etypes: [], attrIds: [], pins: [] },
  },
});

describe("QueryCache", () => {
  it("evicts the least recently used entries past the entry limit", () => {
    const cache = new QueryCache();
    for (let i = 0; i < QUERY_CACHE_MAX_ENTRIES; i++) cache.set(`q${i}`, evaluated(1));
    cache.get("q0"); // now the most recently used
    cache.set("extra", evaluated(1));
    expect(cache.size).toBe(QUERY_CACHE_MAX_ENTRIES);
    expect(cache.get("q0")).toBeDefined();
    expect(cache.get("q1")).toBeUndefined();
  });

  it("keeps the total number of cached triples under its budget", () => {
    const cache = new QueryCache();
    const big = Math.floor(QUERY_CACHE_MAX_TRIPLES / 2) + 1;
    cache.set("a", evaluated(big));
    cache.set("b", evaluated(big));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBeDefined();
    cache.set("huge", evaluated(QUERY_CACHE_MAX_TRIPLES + 1));
    expect(cache.get("huge")).toBeUndefined();
  });
});

describe("query results shared across sessions", () => {
  const uuid = () => crypto.randomUUID();

  it("never serves a result older than the last commit", () => {
    const app = testApp();
    const [a, b, c] = [app.open(), app.open(), app.open()];
    for (const s of [a, b, c]) app.init(s);
    const q = { todos: {} };
    app.send(a, { op: "add-query", "client-event-id": "qa", q });
    expect(app.ctx.queryCache.size).toBe(1);

    const ids = { id: uuid(), title: uuid() };
    const todo = uuid();
    app.send(c, {
      op: "transact",
      "client-event-id": "t",
      "tx-steps": [
        ["add-attr", { id: ids.id, "forward-identity": [uuid(), "todos", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false }],
        ["add-attr", { id: ids.title, "forward-identity": [uuid(), "todos", "title"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false }],
        ["add-triple", todo, ids.id, todo],
        ["add-triple", todo, ids.title, "fresh"],
      ],
    });
    const [ok] = app.send(b, { op: "add-query", "client-event-id": "qb", q }).get(b)!;
    const rows = (ok!.result as any)[0].data["datalog-result"]["join-rows"][0];
    expect(rows).toEqual(expect.arrayContaining([[todo, ids.title, "fresh", expect.any(Number)]]));
    expect(ok!["processed-tx-id"]).toBe(2);
  });

  it("keeps admin-only results apart from everyone else's", () => {
    const app = testApp();
    const [admin, user] = [app.open(), app.open()];
    app.init(admin, { "__admin-token": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" });
    app.init(user);
    const q = { todos: { $: { aggregate: "count" } } };
    expect(app.send(admin, { op: "add-query", "client-event-id": "a", q }).get(admin)![0]).toMatchObject({ op: "add-query-ok" });
    expect(app.send(user, { op: "add-query", "client-event-id": "u", q }).get(user)![0]).toMatchObject({ op: "error", type: "validation-failed" });
  });
});

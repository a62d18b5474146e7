/**
 * A subscription whose query becomes invalid after a commit gets an `error` routed by
 * its query (original-event.q), and every other session still gets its refresh.
 */
import { expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

it("reports a query broken by delete-attr to its subscribers only", () => {
  const app = testApp();
  const [admin, other] = [app.open(), app.open()];
  app.init(admin, { "__admin-token": TEST_ADMIN_TOKEN });
  app.init(other);
  const ids = { id: uuid(), rank: uuid(), title: uuid() };
  const item = uuid();
  app.send(admin, {
    op: "transact",
    "client-event-id": "t1",
    "tx-steps": [
      ["add-attr", { id: ids.id, "forward-identity": [uuid(), "items", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false }],
      ["add-attr", { id: ids.rank, "forward-identity": [uuid(), "items", "rank"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": true, "checked-data-type": "number" }],
      ["add-attr", { id: ids.title, "forward-identity": [uuid(), "items", "title"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false }],
      ["add-triple", item, ids.id, item],
      ["add-triple", item, ids.rank, 1],
    ],
  });
  const ordered = { items: { $: { order: { rank: "asc" }, limit: 5 } } };
  const plain = { items: {} };
  expect(app.send(admin, { op: "add-query", "client-event-id": "q1", q: ordered }).get(admin)![0]).toMatchObject({ op: "add-query-ok" });
  expect(app.send(other, { op: "add-query", "client-event-id": "q2", q: plain }).get(other)![0]).toMatchObject({ op: "add-query-ok" });

  const got = app.send(admin, { op: "transact", "client-event-id": "t2", "tx-steps": [["delete-attr", ids.rank]] });
  const toAdmin = got.get(admin)!;
  expect(toAdmin[0]).toMatchObject({ op: "transact-ok" });
  const error = toAdmin.find((m) => m.op === "error");
  expect(error).toMatchObject({ type: "validation-failed", "original-event": { op: "add-query", q: ordered } });
  // The other session's query lost a field: it is refreshed, with the new attr list.
  const refresh = got.get(other)!.find((m) => m.op === "refresh-ok")!;
  expect((refresh.attrs as { id: string }[]).some((a) => a.id === ids.rank)).toBe(false);
  expect((refresh.computations as { "instaql-query": unknown }[]).map((c) => c["instaql-query"])).toEqual([plain]);
});

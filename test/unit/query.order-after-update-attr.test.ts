/**
 * Sort keys follow attr changes: strings are keyed only for indexed, typed attrs, so an
 * attr that becomes indexed (update-attr, as `instant-cli push` does) must have its
 * existing strings keyed before anything orders by it.
 */
import { expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

it("orders by an attr that was indexed after its values were written", () => {
  const app = testApp();
  const admin = app.open();
  app.init(admin, { "__admin-token": TEST_ADMIN_TOKEN });
  const ids = { id: uuid(), name: uuid() };
  const people = ["bob", "Alice", "émile", "Zed", "carol"].map((name) => ({ e: uuid(), name }));
  const write = app.send(admin, {
    op: "transact",
    "client-event-id": "t1",
    "tx-steps": [
      ["add-attr", { id: ids.id, "forward-identity": [uuid(), "people", "id"], "value-type": "blob", cardinality: "one", "unique?": true, "index?": false }],
      ["add-attr", { id: ids.name, "forward-identity": [uuid(), "people", "name"], "value-type": "blob", cardinality: "one", "unique?": false, "index?": false, "checked-data-type": "string" }],
      ...people.flatMap((p) => [["add-triple", p.e, ids.id, p.e], ["add-triple", p.e, ids.name, p.name]]),
    ],
  });
  expect(write.get(admin)![0]).toMatchObject({ op: "transact-ok" });
  expect(app.sql.all(`SELECT COUNT(*) AS n FROM triples WHERE a = ? AND k IS NOT NULL`, ids.name)[0]!.n).toBe(0);

  const update = app.send(admin, { op: "transact", "client-event-id": "t2", "tx-steps": [["update-attr", { id: ids.name, "index?": true }]] });
  expect(update.get(admin)![0]).toMatchObject({ op: "transact-ok" });

  const [ok] = app.send(admin, { op: "add-query", "client-event-id": "q", q: { people: { $: { order: { name: "asc" }, limit: 3 } } } }).get(admin)!;
  expect(ok).toMatchObject({ op: "add-query-ok" });
  const rows = (ok!.result as any)[0].data["datalog-result"]["join-rows"][0] as [string, string, unknown][];
  const names = rows.filter((r) => r[1] === ids.name).map((r) => String(r[2]));
  // The client's en-US collator order: case- and accent-insensitive first.
  expect(names.sort(new Intl.Collator("en-US").compare)).toEqual(["Alice", "bob", "carol"]);
});

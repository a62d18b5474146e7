import { describe, expect, it } from "vitest";
import { addAttr, blob, E, instantError, link, setup, uid } from "./tx.fixtures";

const todoId = blob(1, "todos", "id");
const title = blob(2, "todos", "title");
const count = blob(3, "todos", "count", { checkedDataType: "number" });
const due = blob(4, "todos", "due", { checkedDataType: "date" });
const done = blob(5, "todos", "done", { checkedDataType: "boolean" });
const label = blob(6, "todos", "label", { checkedDataType: "string" });
const tags = link(7, "todos", "tags", "tags", "todos");
const schema = [todoId, title, count, due, done, label, tags].map(addAttr);

describe("add-triple", () => {
  it("writes triples with created_at = now and reports forward and reverse etypes", () => {
    const f = setup();
    f.run(schema);
    const res = f.run([
      ["add-triple", E(1), todoId.id, E(1)],
      ["add-triple", E(1), title.id, "Buy milk"],
      ["add-triple", E(1), tags.id, E(9)],
    ]);
    expect(res.changes).toEqual({
      etypes: new Set(["todos", "tags"]),
      attrIds: new Set([todoId.id, title.id, tags.id]),
      entities: new Map([todoId.id, title.id, tags.id].map((a) => [a, new Set([E(1)])])),
      attrsChanged: false,
    });
    expect(res.attrIds).toEqual(new Set([todoId.id, title.id, tags.id]));
    expect(f.triples(E(1))).toEqual([
      [E(1), todoId.id, E(1), f.now()],
      [E(1), title.id, "Buy milk", f.now()],
      [E(1), tags.id, E(9), f.now()],
    ]);
  });

  it("replaces a cardinality-one value and keeps its first created_at", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), title.id, "a"]]);
    const first = f.now();
    f.tick(5_000);
    f.run([["add-triple", E(1), title.id, "b"]]);
    expect(f.triples(E(1))).toEqual([[E(1), title.id, "b", first]]);
  });

  it("keeps cardinality many as a set", () => {
    const f = setup();
    f.run(schema);
    f.run([
      ["add-triple", E(1), tags.id, E(8)],
      ["add-triple", E(1), tags.id, E(9)],
      ["add-triple", E(1), tags.id, E(8)],
    ]);
    expect(f.value(E(1), tags.id).sort()).toEqual([E(8), E(9)]);
  });

  it("reports no change for a re-sent identical value", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), title.id, "a"]]);
    expect(f.run([["add-triple", E(1), title.id, "a"]]).changes.etypes.size).toBe(0);
  });

  it("round-trips every JSON value type, telling 1, true and '1' apart", () => {
    const f = setup();
    f.run([addAttr(blob(20, "things", "v", { cardinality: "many" }))]);
    const values = [1, "1", true, false, null, 2.5, { a: [1, { b: null }] }, [1, 2], ""];
    f.run(values.map((v) => ["add-triple", E(1), uid(20), v]));
    expect(f.value(E(1), uid(20))).toHaveLength(values.length);
    expect(f.value(E(1), uid(20))).toEqual(expect.arrayContaining(values));
  });

  it("fails with sql-raise on an unknown attr id", () => {
    const f = setup();
    const err = instantError(() => f.run([["add-triple", E(1), uid(99), "x"]]));
    expect(err.type).toBe("sql-raise");
    expect(err.message).toBe(`Raised Exception: We could not find an attribute with id = '${uid(99)}'`);
  });

  it("accepts attrs added earlier in the same transaction", () => {
    const f = setup();
    f.run([addAttr(title), ["add-triple", E(1), title.id, "x"]]);
    expect(f.value(E(1), title.id)).toEqual(["x"]);
  });
});

describe("checked data types", () => {
  it.each([
    [count, 3],
    [count, null],
    [label, "s"],
    [done, false],
    [due, "2024-05-01T10:00:00.000Z"],
    [due, "2024-05-01"],
    [due, 1_714_557_600_000],
  ] as const)("accepts %# (%s)", (attr, v) => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), attr.id, v]]);
    expect(f.value(E(1), attr.id)).toEqual([v]);
  });

  it.each([
    [count, "3", "number", "string"],
    [label, 3, "string", "number"],
    [done, "true", "boolean", "string"],
    [due, "not a date", "date", "string"],
    [due, { at: 1 }, "date", "object"],
  ] as const)("rejects %# with Instant's message", (attr, v, type, got) => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", E(1), attr.id, v]]));
    expect(err.type).toBe("validation-failed");
    expect(err.message).toBe(
      `Invalid value type for todos.${attr.forward.label}. Value must be a ${type} but the provided value type is ${got}.`,
    );
    expect(err.hint).toMatchObject({ namespace: "todos", attribute: attr.forward.label, "attr-id": attr.id, "entity-id": E(1) });
  });
});

describe("link values", () => {
  it("must be uuids for non-admins (before anything runs)", () => {
    const f = setup();
    f.run(schema);
    const err = instantError(() => f.run([["add-triple", E(1), title.id, "ok"], ["add-triple", E(1), tags.id, "nope"]]));
    expect(err.message).toBe("Validation failed for eid: Expected link value to be a uuid.");
    expect(err.hint).toMatchObject({ "data-type": "eid", input: "nope" });
    expect(f.count()).toBe(0);
  });

  it("must be uuids for admins too", () => {
    const f = setup({ isAdmin: true });
    f.run(schema);
    expect(instantError(() => f.run([["add-triple", E(1), tags.id, 12]])).message).toBe("Linked value must be a valid uuid.");
  });
});

describe("retract-triple", () => {
  it("deletes exactly that triple and is a no-op when absent", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), tags.id, E(8)], ["add-triple", E(1), tags.id, E(9)], ["add-triple", E(1), title.id, "t"]]);
    const res = f.run([["retract-triple", E(1), tags.id, E(8)]]);
    expect(res.changes.etypes).toEqual(new Set(["todos", "tags"]));
    expect(f.value(E(1), tags.id)).toEqual([E(9)]);
    const again = f.run([["retract-triple", E(1), tags.id, E(8)], ["retract-triple", E(1), title.id, "other"]]);
    expect(again.changes.etypes.size).toBe(0);
    expect(f.value(E(1), title.id)).toEqual(["t"]);
  });

  it("retracts null values", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), title.id, null]]);
    f.run([["retract-triple", E(1), title.id, null]]);
    expect(f.triples(E(1))).toEqual([]);
  });
});

describe("execution order", () => {
  it("groups steps by kind in order of first appearance", () => {
    const f = setup();
    f.run(schema);
    f.run([["add-triple", E(1), title.id, "t"]]);
    // Sequentially the second add-triple would survive; grouped, the delete runs last.
    f.run([
      ["add-triple", E(1), title.id, "u"],
      ["delete-entity", E(1), "todos"],
      ["add-triple", E(1), count.id, 1],
    ]);
    expect(f.triples(E(1))).toEqual([]);
  });
});

// Child forms through forward and reverse links, join triples and fields (docs/protocol.md App. B).
import { describe, expect, it } from "vitest";
import { runQuery } from "../../src/query";
import { blob, entity, link, openDb, putAttrs, uid } from "../helpers/seed";

const db = openDb();
const L = link("todos", "owners", "owners", "todos");
putAttrs(db, [blob("owners", "id"), blob("owners", "name"), blob("todos", "id"), blob("todos", "title"), blob("todos", "done"), L]);
const [O1, O2, T1, T2, T3] = ["O1", "O2", "T1", "T2", "T3"].map(uid) as [string, string, string, string, string];
entity(db, "owners", O1, { name: "Ada" }, 1);
entity(db, "owners", O2, { name: "Bob" }, 2);
entity(db, "todos", T1, { title: "Buy milk", done: false, owners: [O1] }, 400);
entity(db, "todos", T2, { title: "Walk dog", owners: [O1, O2] }, 550);
entity(db, "todos", T3, { title: "Other", owners: [O2] }, 600);
const a = (etype: string, label: string) => db.attrs.forward(etype, label)!.id;

describe("query links", () => {
  it("returns exactly the worked example's triples for a reverse child form", () => {
    const r = runQuery(db.env, { owners: { $: { where: { name: "Ada" } }, todos: {} } });
    const expected = [
      [O1, a("owners", "id"), O1, 1],
      [O1, a("owners", "name"), "Ada", 1],
      [T1, L.id, O1, 400],
      [T1, a("todos", "id"), T1, 400],
      [T1, a("todos", "title"), "Buy milk", 400],
      [T1, a("todos", "done"), false, 400],
      [T2, L.id, O1, 550],
      [T2, a("todos", "id"), T2, 550],
      [T2, a("todos", "title"), "Walk dog", 550],
    ];
    expect([...r.triples].sort()).toEqual(expected.sort());
  });

  it("filters children by their where and keeps only their join triples", () => {
    const r = runQuery(db.env, { todos: { owners: { $: { where: { name: "Bob" } } } } });
    const joins = r.triples.filter((t) => t[1] === L.id);
    expect(joins.map((t) => t[0]).sort()).toEqual([T2, T3].sort());
    expect(r.triples.some((t) => t[0] === O1)).toBe(false);
  });

  it("restricts cardinality-one triples with fields, always keeping id", () => {
    const r = runQuery(db.env, { todos: { $: { fields: ["done"] } } });
    expect(new Set(r.triples.map((t) => t[1]))).toEqual(new Set([a("todos", "id"), a("todos", "done")]));
  });

  it("reports both etypes of a traversed link in deps", () => {
    expect(runQuery(db.env, { todos: { owners: {} } }).deps.etypes).toEqual(["owners", "todos"]);
  });
});

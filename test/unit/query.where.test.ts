// Where semantics on hand-made data: typed equality, links, null handling, like.
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { runQuery } from "../../src/query";
import { blob, entity, link, openDb, putAttrs, uid } from "../helpers/seed";

const db = openDb();
putAttrs(db, [
  blob("items", "id"),
  blob("items", "v"),
  blob("items", "name", { indexed: true, type: "string" }),
  blob("users", "id"),
  blob("users", "email"),
  link("items", "owner", "users", "items", "one"),
]);
const u1 = uid("u1");
entity(db, "users", u1, { email: "a@b.c" }, 1);
entity(db, "users", uid("u2"), {}, 2);
entity(db, "items", uid("one"), { v: 1, name: "Alpha%", owner: u1 }, 10);
entity(db, "items", uid("str"), { v: "1", name: "beta\nline" }, 11);
entity(db, "items", uid("bool"), { v: true, name: "x".repeat(80), owner: uid("u2") }, 12);
entity(db, "items", uid("null"), { v: null }, 13);

const ids = (q: JsonValue) => {
  const r = runQuery(db.env, q);
  const idAttr = db.attrs.forward("items", "id")!.id;
  return r.triples.filter((t) => t[1] === idAttr).map((t) => t[0]).sort();
};
const of = (...names: string[]) => names.map(uid).sort();

describe("query where", () => {
  it("equality matches type and value", () => {
    expect(ids({ items: { $: { where: { v: 1 } } } })).toEqual(of("one"));
    expect(ids({ items: { $: { where: { v: "1" } } } })).toEqual(of("str"));
    expect(ids({ items: { $: { where: { v: true } } } })).toEqual(of("bool"));
    expect(ids({ items: { $: { where: { v: { $in: [1, true] } } } } })).toEqual(of("one", "bool"));
  });

  it("$not and $ne include missing and null", () => {
    expect(ids({ items: { $: { where: { v: { $not: 1 } } } } })).toEqual(of("str", "bool", "null"));
    expect(ids({ items: { $: { where: { "owner.email": { $ne: "a@b.c" } } } } })).toEqual(of("str", "bool", "null"));
  });

  it("$isNull counts missing links and attrs", () => {
    expect(ids({ items: { $: { where: { v: { $isNull: true } } } } })).toEqual(of("null"));
    expect(ids({ items: { $: { where: { "owner.email": { $isNull: true } } } } })).toEqual(of("str", "bool", "null"));
    expect(ids({ items: { $: { where: { owner: { $isNull: false } } } } })).toEqual(of("one", "bool"));
  });

  it("$in with null on an indexed attr matches missing values", () => {
    expect(ids({ items: { $: { where: { name: { $in: [null, "Alpha%"] } } } } })).toEqual(of("one", "null"));
  });

  it("link equality by id, forward and reverse", () => {
    expect(ids({ items: { $: { where: { owner: u1.toUpperCase() } } } })).toEqual(of("one"));
    const r = runQuery(db.env, { users: { $: { where: { items: uid("bool") } } } });
    expect(r.triples.some((t) => t[0] === uid("u2"))).toBe(true);
    expect(r.triples.some((t) => t[0] === u1)).toBe(false);
  });

  it("$like escapes regex specials, anchors, and spans newlines", () => {
    expect(ids({ items: { $: { where: { name: { $like: "Alpha\\%" } } } } })).toEqual([]);
    expect(ids({ items: { $: { where: { name: { $like: "Alpha%" } } } } })).toEqual(of("one"));
    expect(ids({ items: { $: { where: { name: { $like: "alpha%" } } } } })).toEqual([]);
    expect(ids({ items: { $: { where: { name: { $ilike: "ALPHA_" } } } } })).toEqual(of("one"));
    expect(ids({ items: { $: { where: { name: { $like: "beta_line" } } } } })).toEqual(of("str"));
    expect(ids({ items: { $: { where: { name: { $like: "lph" } } } } })).toEqual([]);
  });

  it("$like patterns longer than the SQLite limit match in JS", () => {
    expect(ids({ items: { $: { where: { name: { $like: "x".repeat(60) + "%" } } } } })).toEqual(of("bool"));
    expect(ids({ items: { $: { where: { name: { $ilike: "%" + "X".repeat(79) } } } } })).toEqual(of("bool"));
  });

  it("$entityIdStartsWith filters by id prefix", () => {
    expect(ids({ items: { $: { where: { $entityIdStartsWith: uid("str").slice(0, 8) } } } })).toEqual(of("str"));
  });

  it("typed attrs reject values of the wrong type", () => {
    expect(() => runQuery(db.env, { items: { $: { where: { name: 5 } } } })).toThrow(
      "The data type of `items.name` is `string`, but the query got the value `5` of type `number`.",
    );
  });

  it("returns the where path triples and reports deps", () => {
    const r = runQuery(db.env, { items: { $: { where: { "owner.email": "a@b.c" } } } });
    const emailAttr = db.attrs.forward("users", "email")!.id;
    const ownerAttr = db.attrs.forward("items", "owner")!.id;
    expect(r.triples).toContainEqual([u1, emailAttr, "a@b.c", 1]);
    expect(r.triples).toContainEqual([uid("one"), ownerAttr, u1, 10]);
    expect(r.deps.etypes).toEqual(["items", "users"]);
  });

  it("stays under the bound-parameter limit for large wheres", () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ v: i }));
    expect(ids({ items: { $: { where: { or: many } } } })).toEqual(of("one"));
  });
});

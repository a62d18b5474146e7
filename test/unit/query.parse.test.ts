// Validation of InstaQL forms and options: Instant's error type, messages and paths.
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { InstantError } from "../../src/protocol/errors";
import { runQuery } from "../../src/query";
import { blob, entity, link, openDb, putAttrs, uid } from "../helpers/seed";

const db = openDb();
putAttrs(db, [blob("todos", "id"), blob("todos", "title"), blob("users", "id"), link("todos", "owner", "users", "todos", "one")]);
entity(db, "todos", uid("t1"), { title: "a" }, 1);

function errorOf(q: JsonValue, env = db.env): InstantError {
  try {
    runQuery(env, q);
  } catch (e) {
    if (e instanceof InstantError) return e;
    throw e;
  }
  throw new Error("expected an InstantError");
}

describe("query parse", () => {
  // Numbers past MAX_QUERY_PAGE_NUMBER would reach SQLite as floats and fail there as a 500.
  it.each<[string, number]>([
    ["limit", 1e308],
    ["offset", 2 ** 63],
    ["first", 2 ** 64],
    ["last", Number.MAX_SAFE_INTEGER + 2],
  ])("refuses %s = %d as validation-failed naming the field", (field, value) => {
    const err = errorOf({ todos: { $: { [field]: value } } });
    expect(err.type).toBe("validation-failed");
    expect(err.status).toBe(400);
    expect((err.hint?.errors as { in: string[] }[])[0]!.in).toEqual(["todos", "$", field]);
  });

  it("still accepts the largest page number", () => {
    expect(() => runQuery(db.env, { todos: { $: { limit: Number.MAX_SAFE_INTEGER, offset: Number.MAX_SAFE_INTEGER } } })).not.toThrow();
  });

  it.each<[string, JsonValue, string]>([
    ["non-object form", { todos: "x" }, "Validation failed for query"],
    ["unknown option", { todos: { $: { foo: 1 } } }, "We only support `where`, `order`, `limit`, `offset`, `before`, and `after` clauses."],
    ["bad limit", { todos: { $: { limit: -1 } } }, "The limit field must be a positive integer. Got -1."],
    ["bad offset", { todos: { $: { offset: 1.5 } } }, "The offset field must be a non-negative integer. Got 1.5."],
    ["two limits", { todos: { $: { limit: 1, first: 2 } } }, "Only provide one of `limit` or `first`."],
    ["offset below top", { todos: { owner: { $: { offset: 1 } } } }, "We currently only support `offset`, `before`, and `after` clauses on the top-level field."],
    ["order two keys", { todos: { $: { order: { a: "asc", b: "asc" } } } }, "We only support a single key in the `order` clause. Got a,b."],
    ["order direction", { todos: { $: { order: { title: "up" } } } }, 'We only support "asc" or "desc" in the `order` clause. Got "up".'],
    ["empty or", { todos: { $: { where: { or: [] } } } }, "The list of `or` conditions can't be empty."],
    ["null where value", { todos: { $: { where: { title: null } } } }, "Invalid where value"],
    ["array where value", { todos: { $: { where: { title: ["a"] } } } }, "Invalid where value"],
    ["child not a link", { todos: { title: {} } }, "todos.title needs to be a link"],
    ["where through non-link", { todos: { $: { where: { "title.x": 1 } } } }, "todos.title needs to be a link"],
    ["link value not uuid", { todos: { $: { where: { owner: "bob" } } } }, 'Expected owner to be a uuid, got "bob"'],
    ["order unindexed", { todos: { $: { order: { title: "asc" } } } }, "The `todos.title` attribute is not indexed. Only indexed and typed attributes can be used to order by."],
    ["order unknown attr", { todos: { $: { order: { nope: "asc" } } } }, "There is no `nope` attribute for todos."],
    ["comparison unindexed", { todos: { $: { where: { title: { $gt: "a" } } } } }, "The `todos.title` attribute must be indexed to use comparison operators."],
    ["aggregate non-admin", { todos: { $: { aggregate: "count" } } }, "Aggregates are currently only available for admin queries."],
    ["bad cursor", { todos: { $: { after: "x" } } }, 'Expected a join row for the cursor, got "x".'],
    ["fields not array", { todos: { $: { fields: "title" } } }, "The `fields` property should be an array of field names."],
  ])("%s", (_name, q, message) => {
    const err = errorOf(q);
    expect(err.type).toBe("validation-failed");
    expect(err.message).toContain(message);
  });

  it("reports the path of the offending option", () => {
    expect(errorOf({ todos: { $: { limit: 0 } } }).hint?.errors).toEqual([
      { message: "The limit field must be a positive integer. Got 0.", expected: "supported-options?", in: ["todos", "$", "limit"] },
    ]);
  });

  it("ignores $$ruleParams and unknown etypes, attrs and labels", () => {
    const r = runQuery(db.env, { $$ruleParams: { x: 1 }, nope: {}, todos: { nothing: {}, $: { where: { "owner.nope": 1 } } } });
    expect(r.triples).toEqual([]);
    const all = runQuery(db.env, { todos: { nothing: {} } });
    expect(all.triples.length).toBeGreaterThan(0);
  });

  it("counts for admins, refusing child forms", () => {
    expect(runQuery(db.admin, { todos: { $: { aggregate: "count" } } }).aggregate).toEqual({ todos: { count: 1 } });
    expect(errorOf({ todos: { $: { aggregate: "count" }, owner: {} } }, db.admin).message).toContain("You can not combine aggregates with child queries");
  });
});

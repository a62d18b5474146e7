import { describe, expect, it } from "vitest";
import { i } from "../../node_modules/@instantdb/core/dist/esm/schema.js";
import { attrsFromSchema } from "../../src/apps/schema-to-attrs";
import type { Attr } from "../../src/model/attr";
import { instantError } from "./tx.fixtures";

const ids = () => {
  let n = 0;
  return () => `dddddddd-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}`;
};
const plan = (schema: unknown) => attrsFromSchema(JSON.parse(JSON.stringify(schema)), ids());
const named = (attrs: Attr[]) => attrs.map((a) => `${a.forward.etype}.${a.forward.label}`);
const find = (attrs: Attr[], etype: string, label: string) => attrs.find((a) => a.forward.etype === etype && a.forward.label === label);

describe("attrsFromSchema", () => {
  const schema = i.schema({
    entities: {
      todos: i.entity({
        title: i.string(),
        count: i.number().optional().indexed(),
        done: i.boolean().optional(),
        due: i.date().optional(),
        meta: i.json().optional(),
        anything: i.any().optional(),
        slug: i.string().unique().indexed(),
      }),
      empty: i.entity({}),
      tags: i.entity({}),
      $users: i.entity({ email: i.string().unique().indexed(), nickname: i.string().optional() }),
      $files: i.entity({ path: i.string().unique().indexed(), url: i.string(), caption: i.string().optional() }),
    },
    links: {
      todoOwner: {
        forward: { on: "todos", has: "one", label: "owner", onDelete: "cascade" },
        reverse: { on: "$users", has: "many", label: "todos" },
      },
      todoTags: {
        forward: { on: "todos", has: "many", label: "tags", required: true },
        reverse: { on: "tags", has: "one", label: "todo", onDelete: "cascade" },
      },
      guests: {
        forward: { on: "$users", has: "one", label: "linkedPrimaryUser" },
        reverse: { on: "$users", has: "many", label: "linkedGuestUsers" },
      },
    },
    rooms: {},
  });

  it("plans id attrs, then blobs, then links, with fresh ids and user catalog", () => {
    const attrs = plan(schema);
    expect(named(attrs)).toEqual([
      "todos.id",
      "todos.title",
      "todos.count",
      "todos.done",
      "todos.due",
      "todos.meta",
      "todos.anything",
      "todos.slug",
      "$users.nickname",
      "$files.caption",
      "todos.owner",
      "todos.tags",
    ]);
    const allIds = attrs.flatMap((a) => [a.id, a.forward.id, ...(a.reverse ? [a.reverse.id] : [])]);
    expect(new Set(allIds).size).toBe(allIds.length);
    expect(attrs.every((a) => a.catalog === "user")).toBe(true);
  });

  it("makes the id attr unique and unindexed, and none for empty or system namespaces", () => {
    const attrs = plan(schema);
    expect(find(attrs, "todos", "id")).toMatchObject({ valueType: "blob", cardinality: "one", unique: true, indexed: false, required: false });
    expect(find(attrs, "empty", "id")).toBeUndefined();
    expect(find(attrs, "$users", "id")).toBeUndefined();
    expect(find(attrs, "tags", "id")).toBeUndefined();
  });

  it("maps blob properties: required by default, unique/indexed from config, checked types", () => {
    const attrs = plan(schema);
    expect(find(attrs, "todos", "title")).toMatchObject({ required: true, unique: false, indexed: false, checkedDataType: "string" });
    expect(find(attrs, "todos", "count")).toMatchObject({ required: false, indexed: true, checkedDataType: "number" });
    expect(find(attrs, "todos", "done")?.checkedDataType).toBe("boolean");
    expect(find(attrs, "todos", "due")?.checkedDataType).toBe("date");
    expect(find(attrs, "todos", "meta")?.checkedDataType).toBeNull();
    expect(find(attrs, "todos", "anything")?.checkedDataType).toBeNull();
    expect(find(attrs, "todos", "slug")).toMatchObject({ unique: true, indexed: true, required: true });
  });

  it("maps links: has, onDelete both ways, required", () => {
    const attrs = plan(schema);
    expect(find(attrs, "todos", "owner")).toMatchObject({
      valueType: "ref",
      reverse: { etype: "$users", label: "todos" },
      cardinality: "one",
      unique: false,
      indexed: false,
      required: false,
      onDelete: "cascade",
      onDeleteReverse: null,
    });
    expect(find(attrs, "todos", "tags")).toMatchObject({ cardinality: "many", unique: true, required: true, onDeleteReverse: "cascade", onDelete: null });
  });

  it("drops reserved system names and restated system links", () => {
    const attrs = plan(schema);
    for (const gone of ["$users.email", "$files.path", "$files.url", "$users.linkedPrimaryUser"]) expect(named(attrs)).not.toContain(gone);
  });

  it("drops attrs of hidden system namespaces", () => {
    expect(plan({ entities: { $magicCodes: { attrs: { extra: { valueType: "string", required: false, config: {} } } } } })).toEqual([]);
  });

  it("accepts an absent or empty schema", () => {
    expect(plan({})).toEqual([]);
    expect(plan({ entities: {}, links: {}, rooms: {} })).toEqual([]);
  });

  it.each([
    ["on-delete on a has-many forward", { forward: { on: "a", has: "many", label: "bs", onDelete: "cascade" }, reverse: { on: "b", has: "one", label: "a" } }, "a->bs: Cascade delete"],
    ["on-delete-reverse on a has-many reverse", { forward: { on: "a", has: "one", label: "b" }, reverse: { on: "b", has: "many", label: "as", onDelete: "cascade" } }, "b->as: Cascade delete"],
  ])("rejects %s", (_name, linkDef, message) => {
    const err = instantError(() => plan({ entities: {}, links: { l: linkDef } }));
    expect(err.type).toBe("validation-failed");
    expect(err.hint).toMatchObject({ "data-type": "schema", input: "plan" });
    expect(err.message).toContain(message);
  });

  it("rejects duplicate and backwards names", () => {
    const dup = instantError(() =>
      plan({
        entities: { posts: { attrs: { tags: { valueType: "string", required: false, config: {} } } } },
        links: { l: { forward: { on: "posts", has: "many", label: "tags" }, reverse: { on: "tags", has: "many", label: "posts" } } },
      }),
    );
    expect(dup.message).toContain("posts->tags: Duplicate entry");
    const backwards = instantError(() =>
      plan({
        links: {
          l1: { forward: { on: "posts", has: "many", label: "tags" }, reverse: { on: "tags", has: "many", label: "posts" } },
          l2: { forward: { on: "tags", has: "many", label: "posts" }, reverse: { on: "posts", has: "many", label: "tags" } },
        },
      }),
    );
    expect(backwards.message).toContain("tags->posts: Conflicting link");
    const system = instantError(() =>
      plan({ links: { l: { forward: { on: "todos", has: "one", label: "x" }, reverse: { on: "$users", has: "many", label: "linkedGuestUsers" } } } }),
    );
    expect(system.message).toContain("$users->linkedGuestUsers: Duplicate entry");
  });

  it("rejects a malformed schema as validation-failed for schema", () => {
    const err = instantError(() => attrsFromSchema({ links: { l: { forward: { on: "a" } } } }, ids()));
    expect(err.hint?.["data-type"]).toBe("schema");
    expect(instantError(() => attrsFromSchema("nope", ids())).hint?.["data-type"]).toBe("schema");
  });
});

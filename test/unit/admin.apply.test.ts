/**
 * Admin steps end to end through the real engine: expand, `transact` on node:sqlite,
 * then read back with `runQuery` (seen through the client's engine, as a browser would).
 */
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../src/model/triple";
import { runQuery } from "../../src/query";
import { attrToWire } from "../../src/protocol/attr-wire";
import { clientView } from "../helpers/oracle";
import { type Db, openDb, uid } from "../helpers/seed";
import { queryTree } from "../../src/admin/result-tree";
import { adminTransact, schemaApp } from "./admin.fixtures";
import { instantError as fails } from "../helpers/instant-error";

const U = (n: number) => uid(`user${n}`);
const P = (n: number) => uid(`post${n}`);

/** What a browser would show for `q` over the stored data. */
function view(db: Db, q: { [k: string]: JsonValue }): JsonValue {
  const result = runQuery(db.admin, q);
  return clientView(db.attrs.all().map(attrToWire), result.triples, q);
}


describe("admin steps applied by the tx engine", () => {
  it("schemaless: upsert by lookup, link by lookup, deep merge", () => {
    const db = openDb();
    adminTransact(db, [
      ["update", "users", ["email", "ada@x.io"], { name: "Ada" }],
      ["update", "posts", P(1), { title: "Hello", meta: { a: 1, b: { c: 2 } } }],
    ]);
    adminTransact(db, [
      ["update", "users", 'lookup__email__"ada@x.io"', { name: "Ada L." }],
      ["link", "users", { email: "ada@x.io" }, { posts: P(1) }],
      ["merge", "posts", P(1), { meta: { a: null, b: { d: 3 } } }],
    ]);
    const users = view(db, { users: { posts: {} } }) as { users: { [k: string]: JsonValue }[] };
    expect(users.users).toHaveLength(1);
    expect(users.users[0]).toMatchObject({ email: "ada@x.io", name: "Ada L.", posts: [{ id: P(1), title: "Hello", meta: { b: { c: 2, d: 3 } } }] });
    // `users.posts` was created as a link users.posts ↔ posts.users (many).
    expect(db.attrs.forward("users", "posts")).toMatchObject({ valueType: "ref", cardinality: "many", reverse: { etype: "posts", label: "users" } });
  });

  it("a lookup target on a new label makes a has-one unique link to an existing entity", () => {
    const db = openDb();
    adminTransact(db, [["update", "tags", ["slug", "news"], {}]]);
    // A link asserts no id triple for a plain-id source: the post must exist on its own.
    adminTransact(db, [["link", "posts", P(1), { tags: { slug: "news" } }]]);
    expect(view(db, { posts: {} })).toEqual({ posts: [] });
    adminTransact(db, [["update", "posts", P(1), {}]]);
    expect(db.attrs.forward("posts", "tags")).toMatchObject({ cardinality: "one", unique: true, indexed: true });
    expect(view(db, { posts: { tags: {} } })).toEqual({ posts: [{ id: P(1), tags: [{ id: expect.any(String), slug: "news" }] }] });
  });

  it("a [label, value] pair as a link value is a list of two targets, as in Instant", () => {
    const db = openDb();
    adminTransact(db, [["update", "tags", ["slug", "news"], {}]]);
    expect(fails(() => adminTransact(db, [["link", "posts", P(1), { tags: ["slug", "news"] }]])).message).toBe("Linked value must be a valid uuid.");
  });

  it("a lookup on an existing field that is not unique is refused", () => {
    const db = openDb();
    adminTransact(db, [["create", "tags", uid("tag1"), { slug: "news" }]]);
    expect(fails(() => adminTransact(db, [["link", "posts", P(1), { tags: { slug: "news" } }]])).message).toBe(
      "Validation failed for lookup: slug is not a unique attribute on tags",
    );
  });

  it("modes: create on an existing entity and update of a missing one fail; upsert creates", () => {
    const db = schemaApp();
    adminTransact(db, [["create", "posts", P(1), { title: "a" }]]);
    expect(fails(() => adminTransact(db, [["create", "posts", P(1), { title: "b" }]])).message).toContain(`Creating entities that exist: ${P(1)}`);
    expect(fails(() => adminTransact(db, [["update", "posts", P(2), { title: "b" }, { upsert: false }]])).message).toContain(
      `Updating entities that don't exist: ${P(2)}`,
    );
    adminTransact(db, [["update", "posts", P(2), { title: "b" }, { upsert: true }]]);
    expect(view(db, { posts: {} })).toEqual({ posts: [{ id: P(1), title: "a" }, { id: P(2), title: "b" }] });
  });

  it("link from the reverse side, unlink, delete by lookup", () => {
    const db = schemaApp();
    adminTransact(db, [["update", "posts", P(1), { title: "p1" }]]);
    adminTransact(db, [["update", "posts", P(2), { title: "p2" }]]);
    adminTransact(db, [
      ["update", "users", U(1), { email: "a@b.c" }],
      ["link", "users", ["email", "a@b.c"], { posts: [P(1), P(2)] }],
    ]);
    expect(view(db, { posts: { $: { order: { title: "asc" } }, author: {} } })).toEqual({
      posts: [
        { id: P(1), title: "p1", author: [{ id: U(1), email: "a@b.c" }] },
        { id: P(2), title: "p2", author: [{ id: U(1), email: "a@b.c" }] },
      ],
    });
    adminTransact(db, [["unlink", "posts", P(2), { author: U(1) }]]);
    expect(view(db, { users: { posts: {} } })).toEqual({ users: [{ id: U(1), email: "a@b.c", posts: [{ id: P(1), title: "p1" }] }] });
    adminTransact(db, [["delete", "users", 'lookup__email__"a@b.c"', null]]);
    expect(view(db, { users: {}, posts: { author: {} } })).toEqual({
      users: [],
      posts: [
        { id: P(1), title: "p1", author: [] },
        { id: P(2), title: "p2", author: [] },
      ],
    });
  });

  it("throw-on-missing-attrs? leaves the app untouched; ruleParams reach the tx result", () => {
    const db = schemaApp();
    const before = db.attrs.all().length;
    expect(fails(() => adminTransact(db, [["update", "posts", P(1), { nope: 1 }]], { throwOnMissingAttrs: true })).message).toBe(
      "Validation failed for steps: Attributes are missing in your schema",
    );
    expect(db.attrs.all()).toHaveLength(before);
    const res = adminTransact(db, [["ruleParams", "posts", P(1), { secret: "s" }], ["update", "posts", P(1), { title: "t" }]], {
      throwOnMissingAttrs: true,
    });
    expect(res.ruleParams).toEqual([{ entity: { kind: "id", id: P(1) }, etype: "posts", params: { secret: "s" } }]);
  });

  it("the whole admin round trip: transact steps, then the query tree", () => {
    const db = schemaApp();
    adminTransact(db, [["update", "users", U(1), { email: "a@b.c", name: "Ada" }]]);
    adminTransact(db, [
      ["create", "posts", P(1), { title: "first", n: 1 }],
      ["link", "posts", P(1), { author: { email: "a@b.c" } }],
      ["update", "profiles", uid("profile1"), { bio: "hi" }],
      ["link", "users", 'lookup__email__"a@b.c"', { profile: uid("profile1") }],
    ]);
    const { tree } = queryTree(db.admin, { users: { posts: {}, profile: {} }, posts: {} }, { inference: true });
    expect(tree).toEqual({
      users: [{ id: U(1), email: "a@b.c", name: "Ada", posts: [{ id: P(1), title: "first", n: 1, author: U(1) }], profile: { id: uid("profile1"), bio: "hi", user: U(1) } }],
      posts: [{ id: P(1), title: "first", n: 1, author: U(1) }],
    });
  });
});

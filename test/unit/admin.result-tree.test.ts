/**
 * The admin object tree on hand-made data: its shape, inference, fields, order and
 * pages, and each place where Instant's admin tree differs from what the browser
 * client builds, next to the client's own result for contrast.
 */
import { describe, expect, it } from "vitest";
import { queryTree } from "../../src/admin/result-tree";
import type { JsonValue } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import { runQuery } from "../../src/query";
import { viewOfResult } from "../helpers/oracle";
import { type Db, blob, entity, link, openDb, putAttrs, uid } from "../helpers/seed";

const U = (n: number) => uid(`user${n}`);
const P = (n: number) => uid(`post${n}`);
const T = (n: number) => uid(`tag${n}`);
const F = (n: number) => uid(`profile${n}`);
const T0 = 1_700_000_000_000;

type Obj = { [k: string]: JsonValue };

/**
 * users U1..U3; posts P1..P4 (has-one author, many tags, self link `related`); tags;
 * profiles with a unique has-one `user` (one profile per user).
 */
function world(): Db {
  const db = openDb();
  putAttrs(db, [
    blob("users", "id"),
    blob("users", "name", { indexed: true, type: "string" }),
    blob("posts", "id"),
    blob("posts", "title", { indexed: true, type: "string" }),
    blob("posts", "n", { indexed: true, type: "number" }),
    blob("posts", "at", { indexed: true, type: "date" }),
    blob("posts", "meta"),
    link("posts", "author", "users", "posts", "one"),
    link("posts", "tags", "tags", "posts"),
    link("posts", "related", "posts", "relatedFrom"),
    blob("tags", "id"),
    blob("tags", "slug", { unique: true, indexed: true, type: "string" }),
    blob("profiles", "id"),
    blob("profiles", "bio"),
    { ...link("profiles", "user", "users", "profile", "one"), unique: true },
  ]);
  entity(db, "users", U(1), { name: "ada" }, T0 + 1);
  entity(db, "users", U(2), { name: "Bob" }, T0 + 2);
  entity(db, "users", U(3), {}, T0 + 3);
  entity(db, "tags", T(1), { slug: "x" }, T0 + 4);
  entity(db, "tags", T(2), { slug: "y" }, T0 + 5);
  entity(db, "posts", P(1), { title: "b", n: 3, at: "2024-01-02T00:00:00.000Z", author: U(1), tags: [T(1), T(2)], related: [P(2), P(3)] }, T0 + 10);
  entity(db, "posts", P(2), { title: "a", n: 1, at: 1_704_000_000_000, meta: { k: [1] }, author: U(2), tags: [T(1)] }, T0 + 11);
  entity(db, "posts", P(3), { title: "B", n: 3, at: null }, T0 + 12);
  entity(db, "posts", P(4), { title: "c", n: 2, author: U(1) }, T0 + 12);
  entity(db, "profiles", F(1), { bio: "hi", user: U(1) }, T0 + 20);
  return db;
}

const tree = (db: Db, q: Obj, inference = false) => queryTree(db.admin, q, { inference }).tree;
/** What the browser client shows for the same query over the same engine result. */
const client = (db: Db, q: Obj) => viewOfResult(db.attrs.all().map(attrToWire), runQuery(db.admin, q), q) as { [k: string]: Obj[] };

describe("shape", () => {
  it("one key per query key; entity objects with their cardinality-one attrs and child arrays", () => {
    const db = world();
    expect(tree(db, { users: { posts: {} }, tags: {} })).toEqual({
      users: [
        { id: U(1), name: "ada", posts: [{ id: P(1), title: "b", n: 3, at: "2024-01-02T00:00:00.000Z", author: U(1) }, { id: P(4), title: "c", n: 2, author: U(1) }] },
        { id: U(2), name: "Bob", posts: [{ id: P(2), title: "a", n: 1, at: 1_704_000_000_000, meta: { k: [1] }, author: U(2) }] },
        { id: U(3), posts: [] },
      ],
      tags: [{ id: T(1), slug: "x" }, { id: T(2), slug: "y" }],
    });
  });

  it("a has-one link shows its target id unless asked for as a child (the client shows neither)", () => {
    const db = world();
    const q = { posts: { $: { where: { id: P(2) } } } };
    expect(tree(db, q).posts).toEqual([{ id: P(2), title: "a", n: 1, at: 1_704_000_000_000, meta: { k: [1] }, author: U(2) }]);
    expect(client(db, q).posts?.[0]).not.toHaveProperty("author");
    expect(tree(db, { posts: { $: { where: { id: P(2) } }, author: {} } }).posts?.[0]?.author).toEqual([{ id: U(2), name: "Bob" }]);
  });

  it("an explicit null is kept, a missing attr is absent", () => {
    const db = world();
    expect(tree(db, { posts: { $: { where: { id: P(3) } } } }).posts).toEqual([{ id: P(3), title: "B", n: 3, at: null }]);
  });

  it("unknown etypes and labels give empty arrays; $$ruleParams is not a key", () => {
    const db = world();
    expect(tree(db, { nothing: {}, users: { $: { where: { id: U(3) } }, nope: {} }, $$ruleParams: { a: 1 } })).toEqual({
      nothing: [],
      users: [{ id: U(3), nope: [] }],
    });
  });

  it("an aggregate form has no entities; the count comes with the result", () => {
    const db = world();
    const res = queryTree(db.admin, { posts: { $: { aggregate: "count" } } }, { inference: false });
    expect(res.tree).toEqual({ posts: [] });
    expect(res.aggregate).toEqual({ posts: { count: 4 } });
  });

  it("a link to an entity that does not exist shows nothing", () => {
    const db = world();
    entity(db, "posts", P(9), { title: "z", tags: [uid("ghost")] }, T0 + 30);
    expect(tree(db, { posts: { $: { where: { id: P(9) } }, tags: {} } }).posts?.[0]?.tags).toEqual([]);
  });
});

describe("inference", () => {
  it("singular links (forward has-one, reverse of a unique link) are an object or null", () => {
    const db = world();
    const q = { posts: { $: { where: { id: { $in: [P(1), P(3)] } } }, author: {}, tags: {} }, users: { profile: {}, posts: { $: { fields: ["title"] } } } };
    const t = tree(db, q, true);
    expect(t.posts?.map((p) => [p.author, (p.tags as Obj[]).length])).toEqual([
      [{ id: U(1), name: "ada" }, 2],
      [null, 0],
    ]);
    expect(t.users?.map((u) => [u.profile, (u.posts as Obj[]).map((p) => p.title)])).toEqual([
      [{ id: F(1), bio: "hi", user: U(1) }, ["b", "c"]],
      [null, ["a"]],
      [null, []],
    ]);
    expect(tree(db, q, false).posts?.[1]?.author).toEqual([]);
  });
});

describe("fields", () => {
  it("only the listed cardinality-one attrs plus id; a has-one link label shows its id", () => {
    const db = world();
    expect(tree(db, { posts: { $: { fields: ["title", "author", "tags"], where: { id: P(1) } }, tags: { $: { fields: [] } } } }).posts).toEqual([
      { id: P(1), title: "b", author: U(1), tags: [{ id: T(1) }, { id: T(2) }] },
    ]);
  });
});

describe("order and pages", () => {
  const ids = (rows: Obj[] | undefined) => rows?.map((r) => r.id);

  it("default: creation time ascending, ties by id; desc reverses both", () => {
    const db = world();
    const byT = [P(1), P(2), ...[P(3), P(4)].sort()];
    expect(ids(tree(db, { posts: {} }).posts)).toEqual(byT);
    expect(ids(tree(db, { posts: { $: { order: { serverCreatedAt: "desc" } } } }).posts)).toEqual([...byT].reverse());
  });

  it("by a field, equal values by id; the page is the engine's (limit, offset)", () => {
    const db = world();
    const byN = [P(2), P(4), ...[P(1), P(3)].sort()];
    expect(ids(tree(db, { posts: { $: { order: { n: "asc" } } } }).posts)).toEqual(byN);
    expect(ids(tree(db, { posts: { $: { order: { n: "asc" }, limit: 2, offset: 1 } } }).posts)).toEqual(byN.slice(1, 3));
    expect(ids(tree(db, { posts: { $: { order: { n: "desc" }, last: 2 } } }).posts)).toEqual([P(4), P(2)]);
  });

  it("dates compare as instants (ISO strings and epoch numbers), null first", () => {
    const db = world();
    // P3 (null) and P4 (missing) tie on null and go first by id; 1_704_000_000_000 is 2023-12-31.
    expect(ids(tree(db, { posts: { $: { order: { at: "asc" } } } }).posts)).toEqual([...[P(3), P(4)].sort(), P(2), P(1)]);
  });

  it("a form without its order field in `fields` still sorts by the stored value", () => {
    const db = world();
    // n: P1 3, P3 3, P4 2, P2 1; P1 and P3 tie and, descending, go by id descending.
    const tied = [P(1), P(3)].sort().reverse();
    const title = (id: string) => (id === P(1) ? "b" : "B");
    expect(tree(db, { posts: { $: { order: { n: "desc" }, fields: ["title"] } } }).posts?.map((p) => p.title)).toEqual([...tied.map(title), "c", "a"]);
  });

  it("children: sorted by their own order, never cut by a limit (the client cuts them)", () => {
    const db = world();
    const q = { users: { $: { where: { id: U(1) } }, posts: { $: { order: { n: "desc" }, limit: 1 } } } };
    expect(ids(tree(db, q).users?.[0]?.posts as Obj[])).toEqual([P(1), P(4)]);
    expect(ids(client(db, q).users?.[0]?.posts as Obj[])).toEqual([P(1)]);
  });

  it("strings by UTF-16 code units, where the client uses the en-US collator", () => {
    const db = world();
    const q = { posts: { $: { order: { title: "asc" } } } };
    expect(tree(db, q).posts?.map((p) => p.title)).toEqual(["B", "a", "b", "c"]);
    expect(client(db, q).posts?.map((p) => p.title)).toEqual(["a", "b", "B", "c"]);
  });
});

describe("the engine's selection, not the flat triples", () => {
  it("a top-level where is not widened by children of the same etype", () => {
    const db = world();
    // P1's related P2 comes back without its title (fields), so the client's own `$not`
    // matches it at the top level too; the tree shows what the engine selected.
    const q = { posts: { $: { where: { title: { $not: "a" } }, fields: ["title"] }, related: { $: { fields: ["n"] } } } };
    expect(tree(db, q).posts?.map((p) => [p.title, (p.related as Obj[]).map((r) => r.n)])).toEqual([
      ["b", [1, 3]],
      // P3 and P4 were created at the same time: P4 has the smaller id.
      ["c", []],
      ["B", []],
    ]);
    expect(client(db, q).posts?.map((p) => p.id)).toContain(P(2));
  });

  it("a child where applies per child, even when the same entity is present elsewhere in the result", () => {
    const db = world();
    const q = { users: { posts: { $: { where: { n: { $gte: 3 } }, fields: ["n"] } } }, posts: { $: { fields: ["n"] } } };
    const t = tree(db, q);
    expect(t.users?.map((u) => (u.posts as Obj[]).map((p) => p.id))).toEqual([[P(1)], [], []]);
    expect(t.posts).toHaveLength(4);
  });
});

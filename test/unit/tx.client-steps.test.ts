/**
 * Replays the real client's step builder (instaml.transform from @instantdb/core) into
 * parseTxSteps + transact, so the engine is tested against the exact arrays clients send.
 */
import { describe, expect, it } from "vitest";
import { transform } from "../../node_modules/@instantdb/core/dist/esm/instaml.js";
import { lookup, tx as typedTx } from "../../node_modules/@instantdb/core/dist/esm/instatx.js";
import { i } from "../../node_modules/@instantdb/core/dist/esm/schema.js";
import { AttrsStoreClass } from "../../node_modules/@instantdb/core/dist/esm/store.js";
import { attrsFromSchema } from "../../src/apps/schema-to-attrs";
import { attrToWire } from "../../src/protocol/attr-wire";
import { E, type Fixture, instantError, setup } from "./tx.fixtures";

type Chunk = Parameters<typeof transform>[1];
type Builder = {
  create(args: object): Chunk;
  update(args: object, opts?: object): Chunk;
  merge(args: object): Chunk;
  link(args: object): Chunk;
  unlink(args: object): Chunk;
  delete(): Chunk;
};
// The client's `tx` is typed by an app schema; these tests use free-form namespaces.
const on = (etype: string, id: string): Builder => (typedTx as unknown as Record<string, Record<string, Builder>>)[etype]?.[id] as Builder;

/** A client that knows the server's attrs (as after init-ok) and has no cached queries. */
function client(f: Fixture, schema?: unknown) {
  const build = (chunks: Chunk): unknown[] => {
    const attrs = Object.fromEntries(f.attrs.all().map((a) => [a.id, attrToWire(a)]));
    return transform({ attrsStore: new AttrsStoreClass(attrs as never, null as never), stores: [], schema } as never, chunks);
  };
  return {
    build,
    send: (chunks: Chunk) => f.run(build(chunks)),
    /** Entity as a label → values map, read back through the server's attrs. */
    read: (e: string) => {
      const out: Record<string, unknown> = {};
      for (const [, a, v] of f.triples(e)) {
        const label = f.attrs.get(a)?.forward.label ?? a;
        out[label] = label in out ? [out[label], v].flat() : v;
      }
      return out;
    },
  };
}

const idOf = (f: Fixture, etype: string, label: string) => f.attrs.forward(etype, label)?.id as string;

describe("real client steps, schemaless", () => {
  it("create, update, merge", () => {
    const f = setup();
    const c = client(f);
    c.send(on("todos", E(1)).create({ title: "Buy milk", done: false, meta: { a: 1 } }));
    expect(c.read(E(1))).toEqual({ id: E(1), title: "Buy milk", done: false, meta: { a: 1 } });
    c.send(on("todos", E(1)).update({ done: true }));
    c.send(on("todos", E(1)).merge({ meta: { b: 2, a: null } }));
    expect(c.read(E(1))).toEqual({ id: E(1), title: "Buy milk", done: true, meta: { b: 2 } });
    expect(instantError(() => c.send(on("todos", E(1)).create({ title: "again" }))).message).toContain(
      `Creating entities that exist: ${E(1)}`,
    );
    expect(instantError(() => c.send(on("todos", E(2)).update({ title: "x" }, { upsert: false }))).message).toContain(
      `Updating entities that don't exist: ${E(2)}`,
    );
  });

  it("link and unlink from either side, then delete", () => {
    const f = setup();
    const c = client(f);
    c.send([on("posts", E(1)).update({ title: "p" }), on("tags", E(2)).update({ name: "t" }), on("posts", E(1)).link({ tags: E(2) })]);
    const tags = idOf(f, "posts", "tags");
    expect(f.attrs.get(tags)?.reverse).toMatchObject({ etype: "tags", label: "posts" });
    expect(f.value(E(1), tags)).toEqual([E(2)]);
    c.send(on("tags", E(2)).unlink({ posts: E(1) }));
    expect(f.value(E(1), tags)).toEqual([]);
    c.send(on("tags", E(2)).link({ posts: [E(1)] }));
    expect(f.value(E(1), tags)).toEqual([E(2)]);
    const res = c.send(on("tags", E(2)).delete());
    expect(res.changes.etypes).toEqual(new Set(["tags", "posts"]));
    expect(f.value(E(1), tags)).toEqual([]);
    expect(f.triples(E(2))).toEqual([]);
  });

  it("lookups upsert by unique key and resolve link targets", () => {
    const f = setup();
    const c = client(f);
    c.send(on("users", lookup("email", "a@b.c")).update({ name: "Ada" }));
    const [user] = f.sql.all<{ e: string }>(`SELECT e FROM triples WHERE a = ?`, idOf(f, "users", "email"));
    expect(c.read(user?.e as string)).toEqual({ id: user?.e, email: "a@b.c", name: "Ada" });
    c.send(on("users", lookup("email", "a@b.c")).update({ name: "Ada L." }));
    expect(f.sql.all(`SELECT DISTINCT e FROM triples`)).toHaveLength(1);
    c.send([on("posts", E(9)).update({ title: "hi" }), on("posts", E(9)).link({ users: lookup("email", "a@b.c") })]);
    expect(f.value(E(9), idOf(f, "posts", "users"))).toEqual([user?.e]);
  });

  it("re-sending a transaction the server already applied is harmless", () => {
    const f = setup();
    const c = client(f);
    const steps = c.build([on("todos", E(1)).update({ title: "x" }), on("todos", E(1)).link({ owner: E(2) })]);
    f.run(steps);
    const after = f.triples();
    expect(f.run(steps).changes.etypes.size).toBe(0);
    expect(f.triples()).toEqual(after);
  });
});

describe("real client steps against a schema-created app", () => {
  const schema = i.schema({
    entities: {
      todos: i.entity({ title: i.string(), due: i.date().optional(), slug: i.string().unique().indexed().optional() }),
      $users: i.entity({ email: i.string().unique().indexed().optional() }),
    },
    links: {
      todoOwner: {
        forward: { on: "todos", has: "one", label: "owner" },
        reverse: { on: "$users", has: "many", label: "todos" },
      },
    },
    rooms: {},
  });
  const json = JSON.parse(JSON.stringify(schema)) as unknown;

  function app() {
    const f = setup();
    let n = 0;
    for (const attr of attrsFromSchema(json, () => `dddddddd-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}`)) f.attrs.put(attr);
    return { f, c: client(f, schema) };
  }

  it("writes typed, required, linked data", () => {
    const { f, c } = app();
    f.run([["add-triple", E(5), idOf(f, "$users", "id"), E(5)]], true);
    const res = c.send([
      on("todos", E(1)).create({ title: "t", due: "2025-01-02T03:04:05.000Z", slug: "t-1" }),
      on("todos", E(1)).link({ owner: E(5) }),
    ]);
    expect(res.changes.attrsChanged).toBe(false);
    expect(c.read(E(1))).toEqual({ id: E(1), title: "t", due: "2025-01-02T03:04:05.000Z", slug: "t-1", owner: E(5) });
    c.send(on("todos", lookup("slug", "t-1")).update({ title: "renamed" }));
    expect(c.read(E(1)).title).toBe("renamed");
  });

  it("enforces what the schema made the server enforce", () => {
    const { c } = app();
    expect(instantError(() => c.send(on("todos", E(1)).create({ due: "2025-01-01" }))).message).toBe(
      `Missing required attribute \`todos/title\`: ${E(1)}`,
    );
    expect(instantError(() => c.send(on("todos", E(1)).create({ title: 5 } as never))).message).toContain(
      "Value must be a string but the provided value type is number",
    );
    c.send(on("todos", E(1)).create({ title: "a", slug: "s" }));
    expect(instantError(() => c.send(on("todos", E(2)).create({ title: "b", slug: "s" }))).type).toBe("record-not-unique");
  });
});

// AttrRegistry: the in-memory index over the attrs/idents tables (lookups by id, by
// forward and reverse name, id attrs), kept in step with SQLite and rebuilt from it.
import { useTempDir } from "../helpers/temp-dir";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Attr } from "../../src/model/attr";
import { SYSTEM_ATTRS } from "../../src/model/system-attrs";
import { AttrRegistry } from "../../src/store/attr-registry";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import type { Sql } from "../../src/store/sql";
import { blob, link } from "../helpers/seed";

function open(path = ":memory:") {
  const sql = openNodeSql(path);
  migrate(sql);
  return { sql, attrs: new AttrRegistry(sql) };
}

const postId = blob("posts", "id");
const title = blob("posts", "title", { indexed: true, type: "string" });
const author = link("posts", "author", "users", "posts", "one");
const userId = blob("users", "id");

const idents = (sql: Sql) =>
  sql.all<{ etype: string; label: string; attr_id: string }>(`SELECT etype, label, attr_id FROM idents ORDER BY etype, label`);

describe("AttrRegistry lookups", () => {
  it("starts with the system attrs only", () => {
    const { attrs } = open();
    expect(attrs.all().map((a) => a.id).sort()).toEqual(SYSTEM_ATTRS.map((a) => a.id).sort());
    expect(attrs.idAttr("$users")?.forward.label).toBe("id");
    expect(attrs.forward("posts", "title")).toBeUndefined();
  });

  it("finds attrs by id, forward name, reverse name and etype", () => {
    const { attrs } = open();
    for (const a of [postId, title, author, userId]) attrs.put(a);
    expect(attrs.get(title.id)).toEqual(title);
    expect(attrs.forward("posts", "title")).toEqual(title);
    expect(attrs.forward("posts", "author")).toEqual(author);
    // A reverse name is only a reverse name: forward() must not resolve it, and vice versa.
    expect(attrs.reverse("users", "posts")).toEqual(author);
    expect(attrs.forward("users", "posts")).toBeUndefined();
    expect(attrs.reverse("posts", "author")).toBeUndefined();
    expect(attrs.nameOwner("users", "posts")).toEqual(author);
    expect(attrs.nameOwner("posts", "title")).toEqual(title);
    expect(attrs.idAttr("posts")).toEqual(postId);
    expect(attrs.idAttr("users")).toEqual(userId);
    expect(attrs.idAttr("comments")).toBeUndefined();
    expect(attrs.ofEtype("posts").map((a) => a.id).sort()).toEqual([postId.id, title.id, author.id].sort());
    expect(attrs.refsInto("users")).toEqual([author]);
  });

  it("a label `id` on a ref is not the etype's id attr", () => {
    const { attrs } = open();
    attrs.put(link("odd", "id", "posts", "odd"));
    expect(attrs.idAttr("odd")).toBeUndefined();
  });
});

describe("AttrRegistry writes", () => {
  it("put writes the attr and both names to SQLite", () => {
    const { sql, attrs } = open();
    attrs.put(author);
    expect(sql.all(`SELECT id FROM attrs`)).toEqual([{ id: author.id }]);
    expect(idents(sql)).toEqual([
      { etype: "posts", label: "author", attr_id: author.id },
      { etype: "users", label: "posts", attr_id: author.id },
    ]);
  });

  it("putting an attr again replaces it and its old names", () => {
    const { sql, attrs } = open();
    attrs.put(title);
    const renamed: Attr = { ...title, forward: { ...title.forward, label: "headline" }, unique: true };
    attrs.put(renamed);
    expect(attrs.forward("posts", "title")).toBeUndefined();
    expect(attrs.forward("posts", "headline")).toEqual(renamed);
    expect(attrs.get(title.id)?.unique).toBe(true);
    expect(attrs.all().filter((a) => a.id === title.id)).toHaveLength(1);
    expect(idents(sql)).toEqual([{ etype: "posts", label: "headline", attr_id: title.id }]);
  });

  it("remove drops the attr from every lookup and from SQLite", () => {
    const { sql, attrs } = open();
    for (const a of [postId, title, author]) attrs.put(a);
    attrs.remove(author.id);
    expect(attrs.get(author.id)).toBeUndefined();
    expect(attrs.forward("posts", "author")).toBeUndefined();
    expect(attrs.reverse("users", "posts")).toBeUndefined();
    expect(attrs.refsInto("users")).toEqual([]);
    expect(attrs.ofEtype("posts").map((a) => a.id).sort()).toEqual([postId.id, title.id].sort());
    expect(sql.all(`SELECT id FROM attrs WHERE id = ?`, author.id)).toEqual([]);
    expect(idents(sql).map((r) => r.attr_id)).not.toContain(author.id);
  });

  it("reload restores what SQLite holds after a rolled-back write", () => {
    const { sql, attrs } = open();
    attrs.put(postId);
    expect(() =>
      sql.transaction(() => {
        attrs.put(title);
        attrs.remove(postId.id);
        throw new Error("abort");
      }),
    ).toThrow("abort");
    // The in-memory index still shows the aborted writes until it is reloaded (transact does this).
    expect(attrs.get(title.id)).toBeDefined();
    attrs.reload();
    expect(attrs.get(title.id)).toBeUndefined();
    expect(attrs.forward("posts", "title")).toBeUndefined();
    expect(attrs.idAttr("posts")).toEqual(postId);
  });
});

describe("AttrRegistry persistence", () => {
  const tempDir = useTempDir("attr-registry-");

  it("a reopened file database has the same attrs, names and removals", () => {
    const path = join(tempDir(), "app.sqlite");
    const first = open(path);
    for (const a of [postId, title, author, userId]) first.attrs.put(a);
    first.attrs.remove(userId.id);
    const before = first.attrs.all();
    first.sql.close();

    const again = open(path);
    expect(again.attrs.all().sort((a, b) => a.id.localeCompare(b.id))).toEqual([...before].sort((a, b) => a.id.localeCompare(b.id)));
    expect(again.attrs.forward("posts", "title")).toEqual(title);
    expect(again.attrs.reverse("users", "posts")).toEqual(author);
    expect(again.attrs.idAttr("posts")).toEqual(postId);
    expect(again.attrs.idAttr("users")).toBeUndefined();
    again.sql.close();
  });
});

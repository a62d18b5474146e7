import { describe, expect, it } from "vitest";
import { attrToWire } from "../../src/protocol/attr-wire";
import { addAttr, blob, E, instantError, link, setup, uid } from "./tx.fixtures";

const todoId = blob(1, "todos", "id");
const title = blob(2, "todos", "title");

describe("add-attr", () => {
  it("creates the attr, persists it and reports an attr change", () => {
    const f = setup();
    const res = f.run([addAttr(todoId), addAttr(title)]);
    expect(res.changes.attrsChanged).toBe(true);
    expect(f.attrs.get(title.id)).toEqual(title);
    expect(f.sql.all(`SELECT id FROM attrs ORDER BY id`).map((r) => r.id)).toEqual([todoId.id, title.id]);
    expect(f.sql.all(`SELECT etype, label FROM idents WHERE attr_id = ?`, title.id)).toEqual([{ etype: "todos", label: "title" }]);
  });

  it("is a no-op, not a change, when re-sent identical (also with client-only keys)", () => {
    const f = setup();
    f.run([addAttr(todoId), addAttr(title)]);
    const res = f.run([["add-attr", { ...attrToWire(title), isUnsynced: true }]]);
    expect(res.changes.attrsChanged).toBe(false);
    expect(f.attrs.all().filter((a) => a.catalog === "user")).toHaveLength(2);
  });

  it("fails with sql-raise when the same id comes with different properties", () => {
    const f = setup();
    f.run([addAttr(title)]);
    const err = instantError(() => f.run([addAttr({ ...title, unique: true })]));
    expect(err.type).toBe("sql-raise");
    expect(err.message).toBe(`Raised Exception: The attribute with id ${title.id} conflicts with an existing attribute with id ${title.id}.`);
  });

  it("fails with record-not-unique when another attr owns the forward name", () => {
    const f = setup();
    f.run([addAttr(title)]);
    const err = instantError(() => f.run([addAttr(blob(9, "todos", "title"))]));
    expect(err.type).toBe("record-not-unique");
    expect(err.message).toBe("`title` already exists on `todos`");
    expect(err.hint).toEqual({ "record-type": "ident", etype: "todos", label: "title" });
  });

  it("checks the reverse name against forward and reverse names of other attrs", () => {
    const f = setup();
    f.run([addAttr(link(3, "todos", "owner", "people", "todos"))]);
    const reverseClash = instantError(() => f.run([addAttr(link(4, "tasks", "owner", "people", "todos"))]));
    expect(reverseClash.hint).toEqual({ "record-type": "ident", etype: "people", label: "todos" });
    const forwardOnReverse = instantError(() => f.run([addAttr(blob(5, "people", "todos"))]));
    expect(forwardOnReverse.type).toBe("record-not-unique");
  });

  it("fails with sql-raise when an identity id is re-used under another name", () => {
    const f = setup();
    f.run([addAttr(title)]);
    const renamed = { ...blob(9, "todos", "name"), forward: { ...title.forward, label: "name" } };
    const err = instantError(() => f.run([addAttr(renamed)]));
    expect(err.type).toBe("sql-raise");
    expect(err.message).toBe("Raised Exception: Another attribute for todos.name exists with different properties.");
  });

  it("rejects reserved system names and new $ namespaces", () => {
    const f = setup();
    const sys = instantError(() => f.run([addAttr(blob(1, "$users", "email"))]));
    expect(sys.message).toBe("Validation failed for attributes: $users.email is a system column and it already exists.");
    const ns = instantError(() => f.run([addAttr(blob(2, "$things", "name"))]));
    expect(ns.message).toBe("Validation failed for attributes: $ is reserved for system tables. You can't create $things");
    const rev = instantError(() => f.run([addAttr(link(3, "todos", "files", "$files", "$stream"))]));
    expect(rev.message).toContain("$files.$stream is a system column");
  });

  it("allows user attrs on $users and links into it", () => {
    const f = setup();
    const res = f.run([addAttr(blob(1, "$users", "nickname")), addAttr(link(2, "todos", "owner", "$users", "todos"))]);
    expect(res.changes.attrsChanged).toBe(true);
    expect(f.attrs.reverse("$users", "todos")?.id).toBe(uid(2));
  });

  it("refuses a required attr on an etype that already has entities", () => {
    const f = setup();
    f.run([addAttr(todoId), ["add-triple", E(1), todoId.id, E(1)]]);
    const err = instantError(() => f.run([addAttr(blob(3, "todos", "done", { required: true }))], true));
    expect(err.message).toContain("Can't create attribute `done` as required because `todos` already have entities");
  });
});

describe("update-attr and delete-attr", () => {
  it("are admin-only", () => {
    const f = setup();
    f.run([addAttr(title)]);
    for (const step of [["update-attr", { id: title.id, "unique?": true }], ["delete-attr", title.id]]) {
      const err = instantError(() => f.run([step]));
      expect(err.type).toBe("permission-denied");
    }
    expect(f.attrs.get(title.id)).toEqual(title);
  });

  it("update-attr changes only the given properties", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(title)]);
    const res = f.run([["update-attr", { id: title.id, "index?": true, "checked-data-type": "string" }]]);
    expect(res.changes.attrsChanged).toBe(true);
    expect(f.attrs.get(title.id)).toEqual({ ...title, indexed: true, checkedDataType: "string" });
    expect(f.run([["update-attr", { id: title.id, "index?": true }]]).changes.attrsChanged).toBe(false);
  });

  it("update-attr can rename, and frees the old name", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(title)]);
    f.run([["update-attr", { id: title.id, "forward-identity": [title.forward.id, "todos", "name"] }]]);
    expect(f.attrs.forward("todos", "name")?.id).toBe(title.id);
    expect(f.attrs.forward("todos", "title")).toBeUndefined();
    f.run([addAttr(blob(7, "todos", "title"))]);
  });

  it("update-attr to unique fails when values are shared", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(title), ["add-triple", E(1), title.id, "same"], ["add-triple", E(2), title.id, "same"]]);
    const err = instantError(() => f.run([["update-attr", { id: title.id, "unique?": true }]]));
    expect(err.type).toBe("record-not-unique");
    expect(f.attrs.get(title.id)?.unique).toBe(false);
  });

  it("update-attr to required fails when an entity lacks a value", () => {
    const f = setup({ isAdmin: true });
    f.run([addAttr(todoId), addAttr(title), ["add-triple", E(1), todoId.id, E(1)]]);
    const err = instantError(() => f.run([["update-attr", { id: title.id, "required?": true }]]));
    expect(err.message).toContain("Can't update attribute `title` to required because `todos` already have entities without it");
  });

  it("delete-attr removes the attr, its names and its triples", () => {
    const f = setup({ isAdmin: true });
    const owner = link(3, "todos", "owner", "people", "todos");
    f.run([addAttr(todoId), addAttr(title), addAttr(owner), ["add-triple", E(1), title.id, "a"], ["add-triple", E(1), owner.id, E(2)]]);
    const res = f.run([["delete-attr", owner.id]]);
    // Its triples vanished on entities nobody recorded: no `entities` entry (matches every pin).
    expect(res.changes).toEqual({ etypes: new Set(["todos", "people"]), attrIds: new Set([owner.id]), entities: new Map(), attrsChanged: true });
    expect(f.attrs.get(owner.id)).toBeUndefined();
    expect(f.value(E(1), owner.id)).toEqual([]);
    expect(f.value(E(1), title.id)).toEqual(["a"]);
    expect(f.sql.all(`SELECT * FROM idents WHERE attr_id = ?`, owner.id)).toEqual([]);
  });
});

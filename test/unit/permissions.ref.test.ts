/**
 * `data.ref` / `auth.ref` over the SQL store (node:sqlite standing in for DO SQLite):
 * forward and reverse links by label, multi-hop paths, values once per path, the errors
 * for unknown labels and non-link hops, entity maps, and rules evaluated end to end
 * against the store.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { authContext, type AuthUser } from "../../src/model/auth-context";
import { InstantError } from "../../src/protocol/errors";
import { permissionRun } from "../../src/permissions/permission-run";
import { compileRules } from "../../src/permissions/rules";
import { loadEntities, loadEntity, sqlRefResolver } from "../../src/permissions/sql-ref";
import { blob, type Db, entity, link, openDb, putAttrs } from "../helpers/seed";

const ALICE = "00000000-0000-4000-8000-00000000a11c";
const BOB = "00000000-0000-4000-8000-0000000000b0";
const T1 = "00000000-0000-4000-8000-0000000000d1";
const T2 = "00000000-0000-4000-8000-0000000000d2";
const RED = "00000000-0000-4000-8000-0000000000e1";
const RED2 = "00000000-0000-4000-8000-0000000000e2";
const ADMIN_ROLE = "00000000-0000-4000-8000-0000000000f1";

let db: Db;
beforeAll(() => {
  db = openDb();
  putAttrs(db, [
    blob("todos", "id"),
    blob("todos", "title"),
    link("todos", "owner", "$users", "ownedTodos", "one"),
    link("todos", "tags", "tags", "todos"),
    blob("tags", "id"),
    blob("tags", "name"),
    blob("roles", "id"),
    blob("roles", "type"),
    link("$users", "roles", "roles", "users"),
    blob("$users", "nickname"),
  ]);
  entity(db, "$users", ALICE, { email: "alice@example.com", nickname: "al", roles: [ADMIN_ROLE] }, 1);
  entity(db, "$users", BOB, { email: "bob@example.com" }, 1);
  entity(db, "roles", ADMIN_ROLE, { type: "admin" }, 1);
  entity(db, "tags", RED, { name: "red" }, 1);
  entity(db, "tags", RED2, { name: "red" }, 1);
  entity(db, "todos", T1, { title: "Buy milk", owner: ALICE, tags: [RED, RED2] }, 1);
  entity(db, "todos", T2, { title: "Walk", owner: BOB }, 1);
});

const ref = (etype: string, id: string, path: string) => sqlRefResolver(db)(etype, id, path.split("."));
const sorted = (xs: unknown[]) => [...xs].sort();

describe("sqlRefResolver", () => {
  it.each([
    ["a forward has-one link's field", "todos", T1, "owner.id", [ALICE]],
    ["a forward link's other field", "todos", T1, "owner.email", ["alice@example.com"]],
    ["several hops", "todos", T1, "owner.roles.type", ["admin"]],
    ["a reverse link by its reverse label", "$users", ALICE, "ownedTodos.title", ["Buy milk"]],
    ["reverse then forward", "tags", RED, "todos.owner.email", ["alice@example.com"]],
    ["a plain field of the entity itself", "todos", T2, "title", ["Walk"]],
  ])("%s: %s %s.ref(%s)", (_n, etype, id, path, expected) => {
    expect(ref(etype, id, path)).toEqual(expected);
  });

  it("a link as the last label gives ids: forward targets, reverse sources", () => {
    expect(sorted(ref("todos", T1, "tags"))).toEqual([RED, RED2]);
    expect(ref("tags", RED, "todos")).toEqual([T1]);
    expect(ref("$users", ALICE, "ownedTodos")).toEqual([T1]);
  });

  it("a value reached by two paths comes back twice, like Instant's join rows", () => {
    expect(ref("todos", T1, "tags.name")).toEqual(["red", "red"]);
    expect(ref("$users", ALICE, "ownedTodos.tags.name")).toEqual(["red", "red"]);
  });

  it("nothing for an entity that does not exist or has no link", () => {
    expect(ref("todos", "00000000-0000-4000-8000-000000000999", "owner.id")).toEqual([]);
    expect(ref("todos", T2, "tags.name")).toEqual([]);
    expect(ref("nothing", T1, "owner.id")).toEqual([]);
  });

  it("an unknown label is record-not-found for attr, as on Instant", () => {
    const err = (() => {
      try {
        ref("todos", T1, "owner.nope");
      } catch (e) {
        return e as InstantError;
      }
    })();
    expect(err?.toBody()).toEqual({ type: "record-not-found", message: "Record not found: attr", hint: { "record-type": "attr", args: ["$users", "nope"] } });
  });

  it("a hop through a field that is not a link is validation-failed", () => {
    expect(() => ref("todos", T1, "title.x")).toThrow("Validation failed for attr: todos.title needs to be a link");
  });
});

describe("entity maps", () => {
  it("hold cardinality-one attrs (has-one links too), not has-many links", () => {
    expect(loadEntity(db, "todos", T1)).toEqual({ id: T1, title: "Buy milk", owner: ALICE });
    expect(loadEntity(db, "$users", ALICE)).toEqual({ id: ALICE, email: "alice@example.com", nickname: "al" });
    expect(loadEntity(db, "todos", "00000000-0000-4000-8000-000000000999")).toBeNull();
    expect([...loadEntities(db, "todos", [T1, T2, T1]).keys()].sort()).toEqual([T1, T2]);
  });
});

describe("rules over the store", () => {
  const user = (id: string, email: string): AuthUser => ({ id, email, type: "user" });
  const runAs = (who: AuthUser | null, doc: Parameters<typeof compileRules>[0]) =>
    permissionRun(compileRules(doc), {
      auth: authContext("app", who, false),
      resolver: sqlRefResolver(db),
      loadUser: (id) => loadEntity(db, "$users", id),
      now: 0,
    });
  const todo = (id: string) => loadEntity(db, "todos", id)!;

  it("owner through data.ref, and has-one link ids in data", () => {
    const doc = { todos: { allow: { view: "auth.id in data.ref('owner.id')", update: "auth.id == data.owner" } } };
    expect(runAs(user(ALICE, "alice@example.com"), doc).canView("todos", todo(T1))).toBe(true);
    expect(runAs(user(BOB, "bob@example.com"), doc).canView("todos", todo(T1))).toBe(false);
    expect(runAs(user(BOB, "bob@example.com"), doc).canWrite("todos", "update", { data: todo(T2), newData: todo(T2) })).toBe(true);
    expect(runAs(null, doc).canView("todos", todo(T1))).toBe(false);
  });

  it("roles through auth.ref, and custom $users fields on auth", () => {
    const doc = { todos: { bind: ["isAdmin", "'admin' in auth.ref('$user.roles.type')"], allow: { delete: "isAdmin && auth.nickname == 'al'" } } };
    expect(runAs(user(ALICE, "alice@example.com"), doc).canWrite("todos", "delete", { data: todo(T2) })).toBe(true);
    expect(runAs(user(BOB, "bob@example.com"), doc).canWrite("todos", "delete", { data: todo(T2) })).toBe(false);
    expect(runAs(null, doc).canWrite("todos", "delete", { data: todo(T2) })).toBe(false);
  });

  it("a ref through a label the store does not know fails the request with record-not-found", () => {
    const r = runAs(user(ALICE, "alice@example.com"), { todos: { allow: { view: "'x' in data.ref('nope.id')" } } });
    expect(() => r.canView("todos", todo(T1))).toThrow("Record not found: attr");
  });
});

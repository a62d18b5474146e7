/**
 * Rules enforced on writes (docs/protocol.md §9.4): the transaction authorizer
 * (src/permissions/authorize-tx.ts) over the tx engine, the default hook of
 * createAppContext, and the `$users` create rule at sign-up (§9.5).
 */
import { describe, expect, it } from "vitest";
import { commit } from "../../src/core/commit";
import { authContext, type AuthContext } from "../../src/model/auth-context";
import type { JsonValue } from "../../src/model/triple";
import { txAuthorizer } from "../../src/permissions/authorize-tx";
import { compileRules } from "../../src/permissions/rules";
import { signupCheck } from "../../src/permissions/signup";
import { parseTxSteps, transact } from "../../src/tx";
import { TEST_APP_ID, testApp } from "../helpers/app-context";
import { addAttr, blob, E, instantError, link, setup, uid } from "./tx.fixtures";

const ALICE = uid(1, "d");
const BOB = uid(2, "d");
const alice = authContext(TEST_APP_ID, { id: ALICE, email: "alice@example.com", type: "user" }, false);
const admin = authContext(TEST_APP_ID, null, true);

const todoId = blob(1, "todos", "id");
const todoTitle = blob(2, "todos", "title");
const todoCreator = blob(3, "todos", "creatorId");
const listId = blob(4, "lists", "id");
const listOwner = blob(5, "lists", "ownerId");
const listName = blob(6, "lists", "name");
// Deleting a list deletes its todos.
const todoList = link(7, "todos", "list", "lists", "todos", { cardinality: "one", onDelete: "cascade" });
const projectId = blob(8, "projects", "id");
const personId = blob(9, "people", "id");
const projectOwner = link(10, "projects", "owner", "people", "projects", { cardinality: "one" });
const noteId = blob(11, "notes", "id");
const noteText = blob(12, "notes", "text");
const noteSecret = blob(13, "notes", "secret");
const listSlug = blob(14, "lists", "slug", { unique: true, indexed: true });
const SCHEMA = [todoId, todoTitle, todoCreator, listId, listOwner, listName, todoList, projectId, personId, projectOwner, noteId, noteText, noteSecret, listSlug];

const RULES = {
  todos: {
    allow: {
      create: "auth.id == data.creatorId",
      update: "auth.id == data.creatorId && !('creatorId' in request.modifiedFields)",
      delete: "auth.id == data.creatorId",
      link: { list: "linkedData.ownerId == auth.id" },
      unlink: { list: "linkedData.ownerId == auth.id" },
    },
  },
  lists: { allow: { create: "auth.id == data.ownerId", delete: "auth.id == data.ownerId", update: "auth.id == data.ownerId" } },
  projects: { allow: { delete: "auth.id in data.ref('owner.id')" } },
  people: { allow: { delete: "size(data.ref('projects.id')) == 0" } },
  notes: { allow: { create: "ruleParams.secret == data.secret", update: "ruleParams.secret == data.secret" } },
};

const add = (e: string, attrId: string, v: JsonValue) => ["add-triple", e, attrId, v];
const todo = (e: string, creator: string, title = "t") => [add(e, todoId.id, e), add(e, todoCreator.id, creator), add(e, todoTitle.id, title)];
const list = (e: string, owner: string) => [add(e, listId.id, e), add(e, listOwner.id, owner)];

/** The tx fixture with the authorizer installed; the schema and seed data written as admin. */
function world(rules: JsonValue = RULES) {
  const f = setup();
  const authorize = txAuthorizer(() => compileRules(rules));
  const as = (auth: AuthContext, raw: unknown) => transact({ ...f.env, auth, authorize }, parseTxSteps(raw));
  as(admin, SCHEMA.map(addAttr));
  as(admin, [
    ...list(E(1), ALICE),
    ...list(E(2), BOB),
    ...todo(E(10), ALICE),
    add(E(10), todoList.id, E(1)),
    ...todo(E(11), BOB),
    add(E(11), todoList.id, E(1)),
    ...todo(E(12), ALICE),
    add(E(30), personId.id, E(30)),
    add(E(31), projectId.id, E(31)),
    add(E(31), projectOwner.id, E(30)),
  ]);
  return { ...f, as, authorize };
}

const denied = (etype: string, scope = "object") => ({
  type: "permission-denied",
  message: "Permission denied: not perms-pass?",
  hint: { input: [etype, scope], expected: "perms-pass?" },
});
const errorOf = (fn: () => unknown) => {
  const e = instantError(fn);
  return { type: e.type, message: e.message, hint: e.hint };
};

describe("write rules: create, update, delete", () => {
  const cases: { name: string; tx: unknown[]; ok: boolean; etype?: string }[] = [
    { name: "create as yourself", tx: todo(E(20), ALICE), ok: true },
    { name: "create forged for someone else", tx: todo(E(20), BOB), ok: false, etype: "todos" },
    { name: "update your own", tx: [add(E(10), todoTitle.id, "new")], ok: true },
    { name: "update someone else's", tx: [add(E(11), todoTitle.id, "new")], ok: false, etype: "todos" },
    { name: "update writing creatorId (modifiedFields)", tx: [add(E(10), todoCreator.id, ALICE)], ok: false, etype: "todos" },
    { name: "update with a deep merge", tx: [["deep-merge-triple", E(10), todoTitle.id, { a: 1 }]], ok: true },
    { name: "retract on someone else's", tx: [["retract-triple", E(11), todoTitle.id, "t"]], ok: false, etype: "todos" },
    { name: "delete your own", tx: [["delete-entity", E(12), "todos"]], ok: true },
    { name: "delete someone else's", tx: [["delete-entity", E(11), "todos"]], ok: false, etype: "todos" },
    { name: "delete whose cascade reaches someone else's", tx: [["delete-entity", E(1), "lists"]], ok: false, etype: "todos" },
    { name: "delete of a list you do not own", tx: [["delete-entity", E(2), "lists"]], ok: false, etype: "lists" },
    { name: "delete with data.ref on links the delete removes", tx: [["delete-entity", E(31), "projects"]], ok: false, etype: "projects" },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.ok ? "allowed" : "denied"}`, () => {
      const w = world();
      const before = w.triples();
      if (c.ok) {
        w.as(alice, c.tx);
        return;
      }
      expect(errorOf(() => w.as(alice, c.tx))).toEqual(denied(c.etype!));
      expect(w.triples()).toEqual(before);
    });
  }

  it("the cascade passes when every cascaded entity's delete rule does", () => {
    const w = world();
    w.as(admin, [["delete-entity", E(11), "todos"]]);
    w.as(alice, [["delete-entity", E(1), "lists"]]);
    expect(w.triples(E(1))).toEqual([]);
    expect(w.triples(E(10))).toEqual([]);
  });

  it("data.ref in a delete rule sees the links as they were before the transaction", () => {
    const w = world();
    const owner = authContext(TEST_APP_ID, { id: E(30), email: null, type: "guest" }, false);
    w.as(owner, [["delete-entity", E(31), "projects"]]);
    expect(w.triples(E(31))).toEqual([]);
  });

  it("an entity created by a lookup is checked as a create", () => {
    const w = world();
    w.as(alice, [add(E(1), listSlug.id, "home"), ["add-triple", [listSlug.id, "work"], listOwner.id, ALICE]]);
    expect(errorOf(() => w.as(alice, [["add-triple", [listSlug.id, "play"], listOwner.id, BOB]]))).toEqual(denied("lists"));
    expect(w.sql.all(`SELECT e FROM triples WHERE a = ?`, listSlug.id)).toHaveLength(2);
  });

  it("rules see links a delete removes from other entities as they were", () => {
    const w = world();
    // E(31) links to person E(30): the delete would remove that link from the project.
    expect(errorOf(() => w.as(alice, [["delete-entity", E(30), "people"]]))).toEqual(denied("people"));
    w.as(admin, [["delete-entity", E(31), "projects"]]);
    w.as(alice, [["delete-entity", E(30), "people"]]);
  });

  it("one denied step rolls back the whole transaction", () => {
    const w = world();
    const before = w.triples();
    expect(errorOf(() => w.as(alice, [...todo(E(20), ALICE), add(E(10), todoTitle.id, "x"), ...todo(E(21), BOB)]))).toEqual(denied("todos"));
    expect(w.triples()).toEqual(before);
    expect(w.triples(E(20))).toEqual([]);
  });

  it("admins bypass every rule", () => {
    const w = world();
    w.as(admin, [...todo(E(20), BOB), add(E(11), todoCreator.id, ALICE), ["delete-entity", E(2), "lists"]]);
    expect(w.value(E(20), todoCreator.id)).toEqual([BOB]);
    expect(w.triples(E(2))).toEqual([]);
  });

  it("cascaded deletes inherit the rule params of the entity the delete named", () => {
    const w = world({ lists: { allow: { delete: "ruleParams.k == 'v'" } }, todos: { allow: { delete: "ruleParams.k == 'v'" } } });
    expect(errorOf(() => w.as(alice, [["delete-entity", E(1), "lists"]]))).toEqual(denied("lists"));
    w.as(alice, [["delete-entity", E(1), "lists"], ["rule-params", E(1), "lists", { k: "v" }]]);
    expect(w.triples(E(10))).toEqual([]);
    expect(w.triples(E(11))).toEqual([]);
  });

  it("a rule that cannot be evaluated is permission-evaluation-failed", () => {
    const w = world({ todos: { allow: { update: "data.title + 1 == 2" } } });
    const e = instantError(() => w.as(alice, [add(E(10), todoTitle.id, "x")]));
    expect(e.type).toBe("permission-evaluation-failed");
    expect(e.hint).toMatchObject({ rule: ["todos", "update"] });
    expect(w.value(E(10), todoTitle.id)).toEqual(["t"]);
  });

  it("update rules see data (before), newData (after) and request.modifiedFields", () => {
    const w = world({
      todos: { allow: { update: "data.title == 't' && newData.title == 'u' && request.modifiedFields == ['title']" } },
    });
    w.as(alice, [add(E(10), todoId.id, E(10)), add(E(10), todoTitle.id, "u")]);
    expect(errorOf(() => w.as(alice, [add(E(12), todoTitle.id, "v")]))).toEqual(denied("todos"));
  });

  it("a create rule's data.ref sees links the same transaction writes", () => {
    const w = world({ todos: { allow: { create: "auth.id in data.ref('list.ownerId')" } } });
    w.as(alice, [add(E(20), todoId.id, E(20)), add(E(20), todoList.id, E(1))]);
    expect(errorOf(() => w.as(alice, [add(E(21), todoId.id, E(21)), add(E(21), todoList.id, E(2))]))).toEqual(denied("todos"));
  });
});

describe("write rules: link and unlink", () => {
  it("link rules see linkedData, for existing and new sources", () => {
    const w = world();
    w.as(alice, [add(E(12), todoList.id, E(1))]);
    expect(errorOf(() => w.as(alice, [add(E(12), todoList.id, E(2))]))).toEqual(denied("todos"));
    w.as(alice, [...todo(E(20), ALICE), add(E(20), todoList.id, E(1))]);
    expect(errorOf(() => w.as(alice, [...todo(E(21), ALICE), add(E(21), todoList.id, E(2))]))).toEqual(denied("todos"));
    expect(w.triples(E(21))).toEqual([]);
  });

  it("unlink rules see linkedData", () => {
    const w = world();
    w.as(admin, [add(E(12), todoList.id, E(2))]);
    expect(errorOf(() => w.as(alice, [["retract-triple", E(12), todoList.id, E(2)]]))).toEqual(denied("todos"));
    w.as(alice, [["retract-triple", E(10), todoList.id, E(1)]]);
    expect(w.value(E(10), todoList.id)).toEqual([]);
  });

  it("without link rules, the source's update rule and the target's view rule apply", () => {
    const w = world({ todos: { allow: { update: "auth.id == data.creatorId" } }, lists: { allow: { view: "auth.id == data.ownerId" } } });
    w.as(alice, [add(E(12), todoList.id, E(1))]);
    expect(errorOf(() => w.as(alice, [add(E(12), todoList.id, E(2))]))).toEqual(denied("lists"));
    expect(errorOf(() => w.as(alice, [add(E(11), todoList.id, E(1))]))).toEqual(denied("todos"));
  });
});

describe("write rules: attrs and rule params", () => {
  it('attrs.allow.create "false" stops new attrs, not re-sent existing ones', () => {
    const w = world({ attrs: { allow: { create: "false" } } });
    const fresh = blob(40, "todos", "priority");
    expect(errorOf(() => w.as(alice, [addAttr(fresh), add(E(10), fresh.id, 1)]))).toEqual(denied("attrs", "attr"));
    expect(w.attrs.get(fresh.id)).toBeUndefined();
    w.as(alice, [addAttr(todoTitle), add(E(10), todoTitle.id, "again")]);
    w.as(admin, [addAttr(fresh)]);
  });

  it("rule-params steps reach the rules of their entity", () => {
    const w = world();
    const note = (e: string) => [add(e, noteId.id, e), add(e, noteSecret.id, "s3")];
    w.as(alice, [...note(E(50)), ["rule-params", E(50), "notes", { secret: "s3" }]]);
    expect(errorOf(() => w.as(alice, [...note(E(51)), ["rule-params", E(51), "notes", { secret: "nope" }]]))).toEqual(denied("notes"));
    expect(errorOf(() => w.as(alice, note(E(52))))).toEqual(denied("notes"));
    // The auth context's params count too, overridden by the steps'.
    const withParams = authContext(TEST_APP_ID, alice.user, false, { secret: "s3" });
    w.as(withParams, [add(E(50), noteText.id, "hi")]);
    expect(errorOf(() => w.as(withParams, [add(E(50), noteText.id, "ho"), ["rule-params", E(50), "notes", { secret: "x" }]]))).toEqual(denied("notes"));
  });
});

describe("the app context's default authorizer", () => {
  it("enforces the stored rules for users and lets admins and the server through", () => {
    const app = testApp(null, { todos: { allow: { create: "auth.id == data.creatorId" } } });
    const attrs = [todoId, todoTitle, todoCreator];
    commit(app.ctx, admin, parseTxSteps(attrs.map(addAttr)));
    expect(errorOf(() => commit(app.ctx, alice, parseTxSteps(todo(E(20), BOB))))).toEqual(denied("todos"));
    commit(app.ctx, alice, parseTxSteps(todo(E(21), ALICE)));
    commit(app.ctx, admin, parseTxSteps(todo(E(22), BOB)));
    const ids = app.sql.all<{ e: string }>(`SELECT DISTINCT e FROM triples WHERE a = ?`, todoId.id).map((r) => r.e);
    expect(ids.sort()).toEqual([E(21), E(22)]);
  });
});

describe("the $users create rule at sign-up", () => {
  const check = (rules: JsonValue, data: { [k: string]: JsonValue }) => {
    const app = testApp();
    return () => signupCheck(rules, { appId: TEST_APP_ID, store: app.ctx, now: 0 })(data);
  };
  it("evaluates the rule on {id, email, ...extraFields}", () => {
    const rules = { $users: { allow: { create: "data.email.endsWith('@example.com') && data.nickname != 'root' && auth.id == data.id" } } };
    check(rules, { id: ALICE, email: "a@example.com", nickname: "ada" })();
    expect(errorOf(check(rules, { id: ALICE, email: "a@other.com" }))).toEqual(denied("$users", "create"));
    expect(errorOf(check(rules, { id: ALICE, email: "a@example.com", nickname: "root" }))).toEqual(denied("$users", "create"));
  });
  it("without a rule, refuses only sign-ups with extra fields", () => {
    check(null, { id: ALICE, email: "a@example.com" })();
    check({ $default: { allow: { create: "false" } } }, { id: ALICE })();
    expect(errorOf(check(null, { id: ALICE, nickname: "x" }))).toEqual(denied("$users", "create"));
  });
});

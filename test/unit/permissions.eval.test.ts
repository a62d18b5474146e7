/**
 * Evaluating rules: a table of (rules, who, data) → allowed or denied over Instant's
 * CEL semantics (null-safe maps, binds, `$default`, ruleParams, request.time,
 * timestamps, the string and math extensions, truthy results), the `$users`/`$files`
 * defaults, field rules, write and link checks, attr creation, memoization, and
 * `permission-evaluation-failed` errors. `ref` here comes from an in-memory resolver;
 * permissions.ref.test.ts runs it over the SQL store.
 */
import { describe, expect, it } from "vitest";
import { type AuthUser, authContext, type RuleParams } from "../../src/model/auth-context";
import type { JsonValue } from "../../src/model/triple";
import { InstantError } from "../../src/protocol/errors";
import { type EntityData, permissionRun, type PermissionRunOptions, type RefResolver } from "../../src/permissions/permission-run";
import { type Action, compileRules, signupRuleFor } from "../../src/permissions/rules";

const APP = "00000000-0000-4000-8000-0000000000aa";
const ALICE: AuthUser = { id: "alice", email: "alice@example.com", type: "user" };
const BOB: AuthUser = { id: "bob", email: "bob@example.com", type: "user" };
const NOW = Date.parse("2025-06-01T12:00:00Z");

/** `ref` over a fixed table: `${etype}:${id}:${path}` → values. */
const refs: { [key: string]: JsonValue[] } = {
  "todos:t1:owner.id": ["alice"],
  "todos:t1:tags.name": ["red", "blue"],
  "$users:alice:roles.type": ["admin"],
  "$users:bob:roles.type": [],
};
const tableResolver: RefResolver = (etype, id, path) => refs[`${etype}:${id}:${path.join(".")}`] ?? [];

type Who = AuthUser | null | "admin";
function run(doc: JsonValue, who: Who, extra: Partial<PermissionRunOptions> & { ruleParams?: RuleParams } = {}) {
  const user = who === "admin" ? null : who;
  const auth = authContext(APP, user, who === "admin", extra.ruleParams ?? {});
  return permissionRun(compileRules(doc), {
    auth,
    resolver: tableResolver,
    now: NOW,
    loadUser: (id) => (id === "alice" ? { id: "alice", email: "alice@example.com", type: "user", role: "editor", plan: { tier: 2 } } : null),
    ...extra,
  });
}

const todo: EntityData = { id: "t1", title: "Buy milk", ownerId: "alice", count: 2, price: 2.5, tags: ["red", "blue"], meta: { level: 2 }, expiresAt: NOW + 60_000, due: "2025-06-02" };

type Case = [name: string, rule: string, who: Who, expected: boolean, data?: EntityData, ruleParams?: RuleParams];
const CASES: Case[] = [
  ["a true rule", "true", null, true],
  ["signed in: anonymous", "auth.id != null", null, false],
  ["signed in: a user", "auth.id != null", ALICE, true],
  ["owner: the owner", "auth.id == data.ownerId", ALICE, true],
  ["owner: another user", "auth.id == data.ownerId", BOB, false],
  ["owner: anonymous", "auth.id == data.ownerId", null, false],
  ["null == null: anonymous and an entity without the field (as on Instant)", "auth.id == data.creatorId", null, true],
  ["a missing key reads as null", "data.nothing == null && auth.nothing == null", ALICE, true],
  ["a missing nested key reads as null", "data.meta.nothing == null && data.meta.level == 2", null, true],
  ["has() is always true on rule maps (Instant's maps claim every key)", "has(data.nothing)", null, true],
  ["so is `in` on a rule map", "'nothing' in data && 'nothing' in auth", null, true],
  ["signed out, every key of auth reads as null", "auth.id == null && auth.email == null && size(auth) == 0", null, true],
  ["auth carries the user's full $users row", "auth.role == 'editor' && auth.plan.tier >= 2", ALICE, true],
  ["auth.email", "auth.email.endsWith('@example.com')", BOB, true],
  ["ints are CEL ints", "data.count + 1 == 3 && data.count * 2 == 4", null, true],
  ["doubles stay doubles", "data.price > 2.0 && data.price < 3", null, true],
  ["lists", "'red' in data.tags && size(data.tags) == 2 && data.tags.all(t, t.size() > 2)", null, true],
  ["list membership fails", "'green' in data.tags", null, false],
  ["string functions", "data.title.lowerAscii().startsWith('buy') && data.title.matches('^B.*k$') && data.title.contains('milk')", null, true],
  ["string extensions", "data.title.replace(' ', '_') == 'Buy_milk' && data.title.charAt(1) == 'u' && 'ab'.reverse() == 'ba'", null, true],
  ["math", "math.abs(-3) == 3 && math.greatest(1, 5) == 5 && math.least([3.0, 1.5]) == 1.5", null, true],
  ["cel.bind in a rule", "cel.bind(n, data.count, n > 1)", null, true],
  ["data.ref", "auth.id in data.ref('owner.id')", ALICE, true],
  ["data.ref, not the owner", "auth.id in data.ref('owner.id')", BOB, false],
  ["data.ref values", "data.ref('tags.name') == ['red', 'blue']", null, true],
  ["auth.ref", "'admin' in auth.ref('$user.roles.type')", ALICE, true],
  ["auth.ref, no role", "'admin' in auth.ref('$user.roles.type')", BOB, false],
  ["auth.ref when signed out: empty", "size(auth.ref('$user.roles.type')) == 0", null, true],
  ["ruleParams", "data.id == ruleParams.knownDocId", null, true, undefined, { knownDocId: "t1" }],
  ["ruleParams, wrong id", "data.id == ruleParams.knownDocId", null, false, undefined, { knownDocId: "t2" }],
  ["ruleParams, absent key", "ruleParams.knownDocId == null", null, true],
  ["ruleParams lists", "data.id in ruleParams.ids", null, true, undefined, { ids: ["t0", "t1"] }],
  ["request.time", "request.time > timestamp('2025-01-01T00:00:00Z') && request.time.getTime() == " + NOW, null, true],
  ["timestamp(int) reads epoch ms", "timestamp(data.expiresAt) > request.time", null, true],
  ["timestamp(string) reads any date", "timestamp(data.due) > request.time && timestamp(data.due).getFullYear() == 2025", null, true],
  ["durations", "request.time - timestamp('2025-06-01T11:00:00Z') >= duration('1h')", null, true],
  ["request.origin and ip default to empty strings", "request.origin == '' && request.ip == ''", null, true],
  ["request.modifiedFields is empty outside writes", "size(request.modifiedFields) == 0", null, true],
  ["a non-boolean result passes (truthy, as on Instant)", "data.title", null, true],
  ["a number result passes", "1 + 1", null, true],
  ["a null result denies", "data.nothing", null, false],
  ["false denies", "false || data.count > 5", null, false],
  ["admin passes everything", "false", "admin", true],
];

describe("view rules", () => {
  it.each(CASES)("%s", (_name, rule, who, expected, data = todo, ruleParams = {}) => {
    expect(run({ todos: { allow: { view: rule } } }, who, { ruleParams }).canView("todos", data)).toBe(expected);
  });
});

describe("binds and $default when evaluated", () => {
  const doc = {
    $default: { bind: { isSignedIn: "auth.id != null" }, allow: { $default: "false" } },
    todos: { bind: ["isOwner", "isSignedIn && auth.id == data.ownerId"], allow: { view: "isOwner", $default: "isSignedIn" } },
  };
  it.each([
    ["todos", "view", ALICE, true],
    ["todos", "view", BOB, false],
    ["todos", "update", BOB, true],
    ["todos", "update", null, false],
    ["notes", "view", ALICE, false],
  ] as const)("%s.%s", (etype, action, who, expected) => {
    const r = run(doc, who);
    expect(action === "view" ? r.canView(etype, todo) : r.canWrite(etype, action, { data: todo, newData: todo })).toBe(expected);
  });
});

describe("built-in $users and $files rules", () => {
  const alice: EntityData = { id: "alice", email: "alice@example.com" };
  const guest: EntityData = { id: "g1", type: "guest", linkedPrimaryUser: "alice" };
  it.each([
    ["own row", ALICE, alice, true],
    ["another user's row", BOB, alice, false],
    ["a guest linked to me", ALICE, guest, true],
    ["a guest linked to someone else", BOB, guest, false],
    ["anonymous", null, alice, false],
    ["anonymous, a row without linkedPrimaryUser", null, { id: "x" }, false],
  ] as const)("$users view: %s", (_n, who, data, expected) => {
    expect(run({}, who).canView("$users", data)).toBe(expected);
    expect(run({}, who).canWrite("$users", "update", { data, newData: data })).toBe(expected);
  });

  it("$users: create allowed, delete denied; $files closed unless ruled", () => {
    expect(run({}, ALICE).canWrite("$users", "create", { data: { id: "n" }, newData: { id: "n" } })).toBe(true);
    expect(run({}, ALICE).canWrite("$users", "delete", { data: { id: "alice" } })).toBe(false);
    const file: EntityData = { id: "f1", path: "alice/photo.png" };
    expect(run({}, ALICE).canView("$files", file)).toBe(false);
    const rules = { $files: { allow: { view: "data.path.startsWith(auth.id + '/')" } } };
    expect(run(rules, ALICE).canView("$files", file)).toBe(true);
    expect(run(rules, BOB).canView("$files", file)).toBe(false);
    expect(run(rules, ALICE).canWrite("$files", "delete", { data: file })).toBe(false);
  });
});

describe("field rules", () => {
  const doc = { $users: { allow: { view: "true" }, fields: { email: "auth.id == data.id" } } };
  it("hides a field from everyone the rule refuses", () => {
    const row: EntityData = { id: "alice", email: "alice@example.com", type: "user" };
    expect(run(doc, ALICE).visibleFields("$users", row, ["id", "email", "type"])).toEqual(new Set(["id", "email", "type"]));
    expect(run(doc, BOB).visibleFields("$users", row, ["id", "email", "type"])).toEqual(new Set(["id", "type"]));
    expect(run(doc, BOB).canView("$users", row)).toBe(true);
  });
});

describe("write rules", () => {
  const post: EntityData = { id: "p1", ownerId: "alice", likes: 1, title: "Hi" };
  const doc = {
    posts: {
      bind: { isOwner: "auth.id == data.ownerId", onlyLikes: "request.modifiedFields.all(f, f in ['likes'])" },
      allow: {
        create: "isOwner && !('featured' in request.modifiedFields)",
        update: "isOwner || (onlyLikes && newData.likes == data.likes + 1)",
        delete: "isOwner",
      },
    },
  };
  it.each([
    ["create own", ALICE, "create", { data: post, newData: post, modifiedFields: ["ownerId", "title"] }, true],
    ["create featured", ALICE, "create", { data: post, newData: post, modifiedFields: ["featured"] }, false],
    ["update own", ALICE, "update", { data: post, newData: { ...post, title: "x" }, modifiedFields: ["title"] }, true],
    ["like someone's post", BOB, "update", { data: post, newData: { ...post, likes: 2 }, modifiedFields: ["likes"] }, true],
    ["like by two", BOB, "update", { data: post, newData: { ...post, likes: 3 }, modifiedFields: ["likes"] }, false],
    ["retitle someone's post", BOB, "update", { data: post, newData: { ...post, likes: 2, title: "x" }, modifiedFields: ["likes", "title"] }, false],
    ["delete own", ALICE, "delete", { data: post }, true],
    ["delete someone's", BOB, "delete", { data: post }, false],
  ] as const)("%s", (_n, who, action, input, expected) => {
    expect(run(doc, who).canWrite("posts", action as Action, input)).toBe(expected);
  });

  it("ruleParams per write override the context's", () => {
    const r = run({ docs: { allow: { update: "ruleParams.secret == 's'" } } }, null, { ruleParams: { secret: "x" } });
    expect(r.canWrite("docs", "update", { data: { id: "d" }, newData: { id: "d" } })).toBe(false);
    expect(r.canWrite("docs", "update", { data: { id: "d" }, newData: { id: "d" }, ruleParams: { secret: "s" } })).toBe(true);
  });
});

describe("attrs.allow.create", () => {
  const attr = { id: "a1", "forward-identity": ["f", "goals", "priority"], "value-type": "blob", cardinality: "one" };
  it("defaults to allowed; a rule sees the attr as data; $default applies too", () => {
    expect(run({}, null).canCreateAttr(attr)).toBe(true);
    expect(run({ attrs: { allow: { create: "false" } } }, ALICE).canCreateAttr(attr)).toBe(false);
    expect(run({ attrs: { allow: { create: "data['forward-identity'][1] == 'goals'" } } }, null).canCreateAttr(attr)).toBe(true);
    expect(run({ $default: { allow: { $default: "false" } } }, null).canCreateAttr(attr)).toBe(false);
    expect(run({ attrs: { allow: { create: "false" } } }, "admin").canCreateAttr(attr)).toBe(true);
  });
});

describe("memoization", () => {
  it("evaluates each (rule, entity) once per run, and each ref once", () => {
    let calls = 0;
    const counting: RefResolver = (etype, id, path) => {
      calls++;
      return tableResolver(etype, id, path);
    };
    const r = run({ todos: { allow: { view: "auth.id in data.ref('owner.id')" }, fields: { title: "auth.id in data.ref('owner.id')" } } }, ALICE, { resolver: counting });
    for (let i = 0; i < 3; i++) {
      expect(r.canView("todos", todo)).toBe(true);
      expect(r.canViewField("todos", todo, "title")).toBe(true);
    }
    expect(calls).toBe(1);
  });
});

function evalError(f: () => unknown): InstantError {
  try {
    f();
  } catch (e) {
    if (e instanceof InstantError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("evaluation errors", () => {
  it("are permission-evaluation-failed in Instant's shape", () => {
    const err = evalError(() => run({ todos: { allow: { view: "data.title > 3" } } }, null).canView("todos", todo));
    const message = "Could not evaluate permission rule for `todos.view`. You may have a typo. Debug this in the sandbox and then update your permission rules.";
    expect(err.toBody()).toEqual({
      type: "permission-evaluation-failed",
      message,
      hint: { rule: ["todos", "view"], error: { type: "NO_MATCHING_OVERLOAD", message, hint: "You may have a typo" } },
    });
    expect(err.status).toBe(400);
  });

  it("carry the CEL error when asked to (admin-API checks)", () => {
    const err = evalError(() => run({ todos: { allow: { update: "data.meta.level.x == 1" } } }, null, { showCelErrors: true }).canWrite("todos", "update", { data: todo, newData: todo }));
    expect(err.message).toBe("Could not evaluate permission rule for `todos.update`. No such key: x. Debug this in the sandbox and then update your permission rules.");
    expect(err.hint?.error).toMatchObject({ type: "ATTRIBUTE_NOT_FOUND", hint: "No such key: x" });
  });

  it.each([
    ["a field of null", "data.nothing.x == 1"],
    ["division by zero", "data.count / 0 == 1"],
    ["an unparseable date", "timestamp('not a date') > request.time"],
    ["ref on newData", "size(newData.ref('owner.id')) == 0"],
  ])("%s", (_n, rule) => {
    const r = run({ todos: { allow: { update: rule } } }, ALICE);
    expect(evalError(() => r.canWrite("todos", "update", { data: todo, newData: todo })).type).toBe("permission-evaluation-failed");
  });

  it("linkedData is unbound when the other end does not exist yet (before the write, as on Instant)", () => {
    const r = run({ todos: { allow: { link: { owner: "linkedData.id == null" } } } }, ALICE);
    const source = { etype: "todos", label: "owner", before: todo, after: todo };
    const err = evalError(() => r.canLink("link", "before", source, { etype: "$users", label: "todos", before: null, after: { id: "n" } }));
    expect(err.toBody()).toMatchObject({ type: "permission-evaluation-failed", hint: { rule: ["todos", "link"] } });
  });

  it("an error inside an || that another branch decides is absorbed, as in CEL", () => {
    expect(run({ todos: { allow: { view: "data.nothing.x == 1 || true" } } }, null).canView("todos", todo)).toBe(true);
  });
});

describe("link and unlink checks", () => {
  type Side = Parameters<ReturnType<typeof run>["canLink"]>[2];
  const side = (etype: string, label: string, before: EntityData | null, after: EntityData | null, ruleParams: RuleParams = {}): Side => ({ etype, label, before, after, ruleParams });
  const post = (v: string): EntityData => ({ id: "p1", v });
  const user = (v: string): EntityData => ({ id: "alice", v });
  const existingPost = side("posts", "owner", post("before"), post("after"), { who: "post" });
  const existingUser = side("$users", "posts", user("before"), user("after"), { who: "user" });
  const newPost = side("posts", "owner", null, post("new"), { who: "post" });
  const newTag = side("tags", "posts", null, { id: "t9", v: "new" });

  it("a source rule sees the source before/after, the target before, and the actions", () => {
    const rule = "data.v == 'before' && newData.v == 'after' && linkedData.v == 'before' && actions.data == 'update' && actions.linkedData == 'update' && ruleParams.who == 'post'";
    const r = run({ posts: { allow: { link: { owner: rule } } } }, ALICE);
    expect(r.canLink("link", "before", existingPost, existingUser)).toBe(true);
    // The target's rule does not exist, so only the source side is checked; nothing new to check after the write.
    expect(r.canLink("link", "after", existingPost, existingUser)).toBe(true);
  });

  it("a target rule sees the target (marked $action update) and the source after the write", () => {
    const rule = "data.v == 'before' && data['$action'] == 'update' && newData.v == 'after' && linkedData.v == 'after' && ruleParams.who == 'user'";
    const r = run({ $users: { allow: { link: { posts: rule } } } }, ALICE);
    expect(r.canLink("link", "before", existingPost, existingUser)).toBe(true);
    expect(run({ $users: { allow: { link: { $default: "false" } } } }, ALICE).canLink("link", "before", existingPost, existingUser)).toBe(false);
  });

  it("a new source is checked after the write, with data = newData = its new state", () => {
    const rule = "data.v == 'new' && newData.v == 'new' && linkedData.v == 'after' && actions.data == 'create' && actions.linkedData == 'update'";
    const r = run({ posts: { allow: { link: { owner: rule } } } }, ALICE);
    expect(r.canLink("link", "before", newPost, existingUser)).toBe(true);
    expect(r.canLink("link", "after", newPost, existingUser)).toBe(true);
    expect(run({ posts: { allow: { link: { owner: "false" } } } }, ALICE).canLink("link", "after", newPost, existingUser)).toBe(false);
  });

  it("without link rules: update on an existing source and view on an existing target", () => {
    const doc = (update: string, view: string) => ({ posts: { allow: { update } }, $users: { allow: { view } } });
    const mf = { ...existingPost, modifiedFields: ["owner"] };
    expect(run(doc("'owner' in request.modifiedFields && newData.v == 'after'", "data.v == 'before'"), ALICE).canLink("link", "before", mf, existingUser)).toBe(true);
    expect(run(doc("false", "true"), ALICE).canLink("link", "before", existingPost, existingUser)).toBe(false);
    expect(run(doc("true", "false"), ALICE).canLink("link", "before", existingPost, existingUser)).toBe(false);
    expect(run(doc("false", "false"), ALICE).canLink("link", "after", existingPost, existingUser)).toBe(true);
  });

  it("without link rules, after the write: create on a new source and view on a new target", () => {
    const doc = (create: string, view: string) => ({ posts: { allow: { create } }, tags: { allow: { view } } });
    expect(run(doc("data.v == 'new'", "data.v == 'new'"), ALICE).canLink("link", "after", newPost, newTag)).toBe(true);
    expect(run(doc("false", "true"), ALICE).canLink("link", "after", newPost, newTag)).toBe(false);
    expect(run(doc("true", "false"), ALICE).canLink("link", "after", newPost, newTag)).toBe(false);
    expect(run(doc("false", "false"), ALICE).canLink("link", "before", newPost, newTag)).toBe(true);
  });

  it("unlink rules, their $default, and the fallback; nothing after the write", () => {
    expect(run({ posts: { allow: { unlink: { owner: "data.v == 'before' && linkedData.v == 'before'" } } } }, ALICE).canLink("unlink", "before", existingPost, existingUser)).toBe(true);
    expect(run({ $users: { allow: { unlink: { $default: "false" } } } }, ALICE).canLink("unlink", "before", existingPost, existingUser)).toBe(false);
    expect(run({ posts: { allow: { update: "false" } } }, ALICE).canLink("unlink", "before", existingPost, existingUser)).toBe(false);
    expect(run({ posts: { allow: { update: "false" } } }, ALICE).canLink("unlink", "after", existingPost, existingUser)).toBe(true);
    // A link rule does not count for unlink.
    expect(run({ posts: { allow: { link: { owner: "true" }, update: "false" } } }, ALICE).canLink("unlink", "before", existingPost, existingUser)).toBe(false);
  });

  it("admins pass", () => {
    expect(run({ posts: { allow: { link: { $default: "false" } } } }, "admin").canLink("link", "before", existingPost, existingUser)).toBe(true);
  });
});

describe("the sign-up rule", () => {
  it("sees the new user as auth and as data, extra fields included", () => {
    const rules = compileRules({ $users: { allow: { create: "data.email.endsWith('@example.com') && auth.nickname == data.nickname && size(data.nickname) > 1" } } });
    const signUp = (email: string, nickname: string) => {
      const row = { id: "new", email, nickname };
      const r = permissionRun(rules, { auth: authContext(APP, { id: "new", email, type: "user" }, false), loadUser: () => row, resolver: tableResolver, now: NOW });
      return r.evaluate(signupRuleFor(rules)!, { data: row, newData: row });
    };
    expect(signUp("new@example.com", "nn")).toBe(true);
    expect(signUp("new@elsewhere.com", "nn")).toBe(false);
    expect(signUp("new@example.com", "n")).toBe(false);
  });
});

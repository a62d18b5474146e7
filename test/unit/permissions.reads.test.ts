/**
 * Permission rules on reads, through whole sessions (test/helpers/app-context.ts): view
 * rules hide entities and the links to them, field rules hide fields, rules read the
 * whole entity and follow `data.ref` paths, `$$ruleParams` reach the rules, admins see
 * everything, and a write that flips a rule's outcome refreshes the subscriber.
 */
import { describe, expect, it } from "vitest";
import { issueRefreshToken } from "../../src/auth/refresh-tokens";
import { cryptoRandomBytes } from "../../src/auth/random";
import { createUserSteps } from "../../src/auth/users";
import { commit } from "../../src/core/commit";
import { authContext } from "../../src/model/auth-context";
import type { JsonValue } from "../../src/model/triple";
import type { ServerMessage } from "../../src/protocol/server-messages";
import { TEST_ADMIN_TOKEN, TEST_APP_ID, testApp } from "../helpers/app-context";

const uuid = () => crypto.randomUUID();

const blob = (id: string, etype: string, label: string, opts: { unique?: boolean; indexed?: boolean; type?: string } = {}): JsonValue => [
  "add-attr",
  {
    id,
    "forward-identity": [uuid(), etype, label],
    "value-type": "blob",
    cardinality: "one",
    "unique?": opts.unique ?? false,
    "index?": opts.indexed ?? opts.unique ?? false,
    ...(opts.type ? { "checked-data-type": opts.type } : {}),
  },
];
const link = (id: string, from: [string, string], to: [string, string], cardinality: "one" | "many"): JsonValue => [
  "add-attr",
  { id, "forward-identity": [uuid(), ...from], "reverse-identity": [uuid(), ...to], "value-type": "ref", cardinality, "unique?": false, "index?": false },
];

/**
 * todos(id, title, secret, code, rank) —owner (has one)→ $users; todos —project (has
 * one)→ projects(id, name) —members (has many)→ $users. Users ann and bob, signed in on
 * sessions of their own; writes go through an admin session.
 */
function world(rules: JsonValue) {
  const app = testApp(null, rules);
  const A = { todoId: uuid(), title: uuid(), secret: uuid(), code: uuid(), rank: uuid(), owner: uuid(), project: uuid(), projectId: uuid(), name: uuid(), members: uuid() };
  const user = (email: string) => {
    const id = uuid();
    commit(app.ctx, authContext(TEST_APP_ID, null, true), createUserSteps(app.attrs, id, { email }));
    return { id, token: issueRefreshToken(app.sql, cryptoRandomBytes, id, Date.now()) };
  };
  const ann = user("ann@example.com");
  const bob = user("bob@example.com");
  const admin = app.open();
  app.init(admin, { "__admin-token": TEST_ADMIN_TOKEN });
  let n = 0;
  const tx = (steps: JsonValue[]) => {
    const got = app.send(admin, { op: "transact", "client-event-id": `t${++n}`, "tx-steps": steps });
    expect(got.get(admin)![0]).toMatchObject({ op: "transact-ok" });
    return got;
  };
  tx([
    blob(A.todoId, "todos", "id", { unique: true }),
    blob(A.title, "todos", "title"),
    blob(A.secret, "todos", "secret"),
    blob(A.code, "todos", "code"),
    blob(A.rank, "todos", "rank", { indexed: true, type: "number" }),
    blob(A.projectId, "projects", "id", { unique: true }),
    blob(A.name, "projects", "name"),
    link(A.owner, ["todos", "owner"], ["$users", "todos"], "one"),
    link(A.project, ["todos", "project"], ["projects", "todos"], "one"),
    link(A.members, ["projects", "members"], ["$users", "projects"], "many"),
  ]);
  const todo = (fields: { title: string; owner?: string; project?: string; secret?: string; code?: string; rank?: number }): string => {
    const id = uuid();
    const steps: JsonValue[] = [["add-triple", id, A.todoId, id], ["add-triple", id, A.title, fields.title]];
    if (fields.secret !== undefined) steps.push(["add-triple", id, A.secret, fields.secret]);
    if (fields.code !== undefined) steps.push(["add-triple", id, A.code, fields.code]);
    if (fields.rank !== undefined) steps.push(["add-triple", id, A.rank, fields.rank]);
    if (fields.owner !== undefined) steps.push(["add-triple", id, A.owner, fields.owner]);
    if (fields.project !== undefined) steps.push(["add-triple", id, A.project, fields.project]);
    tx(steps);
    return id;
  };
  /** A session signed in as `who` (null: anonymous; "admin": the admin token). */
  const sessionOf = (who: { token: string } | null | "admin"): string => {
    const s = app.open();
    const extra = who === null ? {} : who === "admin" ? { "__admin-token": TEST_ADMIN_TOKEN } : { "refresh-token": who.token };
    expect(app.init(s, extra).get(s)![0]).toMatchObject({ op: "init-ok" });
    return s;
  };
  /** Subscribes `q`; the triples of its first result. */
  const query = (s: string, q: JsonValue) => {
    const [reply] = app.send(s, { op: "add-query", "client-event-id": "q", q }).get(s)!;
    expect(reply).toMatchObject({ op: "add-query-ok" });
    return { triples: triplesOf(reply!), pageInfo: pageInfoOf(reply!) };
  };
  return { app, A, ann, bob, tx, todo, sessionOf, query };
}

function triplesOf(m: ServerMessage | JsonValue): JsonValue[][] {
  const out: JsonValue[][] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === "object" && x !== null) {
      for (const [k, v] of Object.entries(x)) {
        if (k === "join-rows") for (const row of v as JsonValue[][][]) out.push(...row);
        else walk(v);
      }
    }
  };
  walk(m);
  return out;
}

const pageInfoOf = (m: ServerMessage): JsonValue => (m as unknown as { result: [{ data: { "page-info"?: JsonValue } }] }).result[0].data["page-info"] ?? null;

/** The entity ids holding a triple of `attrId`. */
const holders = (triples: JsonValue[][], attrId: string): string[] => [...new Set(triples.filter((t) => t[1] === attrId).map((t) => String(t[0])))].sort();
const sorted = (...xs: string[]) => [...xs].sort();

/** The refresh-ok frames `session` got from `got` (a send's deliveries), as triples. */
const refreshOf = (got: Map<string, ServerMessage[]>, session: string): JsonValue[][] | null => {
  const refresh = (got.get(session) ?? []).find((m) => m.op === "refresh-ok" && Array.isArray(m.computations) && m.computations.length > 0);
  return refresh ? triplesOf(refresh) : null;
};

describe("view rules on reads", () => {
  const OWN = { todos: { allow: { view: "auth.id in data.ref('owner.id')" } } };

  it("a user sees only their own todos, anonymous sees none, admin sees all", () => {
    const w = world(OWN);
    const t1 = w.todo({ title: "ann's", owner: w.ann.id });
    const t2 = w.todo({ title: "bob's", owner: w.bob.id });
    const t3 = w.todo({ title: "nobody's" });
    const q = { todos: {} };
    expect(holders(w.query(w.sessionOf(w.ann), q).triples, w.A.todoId)).toEqual([t1]);
    expect(holders(w.query(w.sessionOf(w.bob), q).triples, w.A.todoId)).toEqual([t2]);
    expect(w.query(w.sessionOf(null), q).triples).toEqual([]);
    expect(holders(w.query(w.sessionOf("admin"), q).triples, w.A.todoId)).toEqual(sorted(t1, t2, t3));
  });

  it("a hidden entity's links disappear too, from either side", () => {
    const w = world({ todos: { allow: { view: "data.title != 'hidden'" } }, $users: { allow: { view: "true" } } });
    const shown = w.todo({ title: "shown", owner: w.ann.id });
    w.todo({ title: "hidden", owner: w.ann.id });
    const { triples } = w.query(w.sessionOf(w.bob), { $users: { todos: {} } });
    expect(holders(triples, w.A.todoId)).toEqual([shown]);
    expect(holders(triples, w.A.owner)).toEqual([shown]);
  });

  it("the built-in $users rule applies when the app has none: each user sees their own row", () => {
    const w = world(OWN);
    const ids = (s: string) => [...new Set(w.query(s, { $users: {} }).triples.map((t) => String(t[0])))];
    expect(ids(w.sessionOf(w.ann))).toEqual([w.ann.id]);
    expect(ids(w.sessionOf(null))).toEqual([]);
  });

  it("rules read the whole entity, not only the fields the query asked for", () => {
    const w = world({ todos: { allow: { view: "data.secret != 'hidden'" } } });
    const open = w.todo({ title: "a", secret: "x" });
    w.todo({ title: "b", secret: "hidden" });
    const { triples } = w.query(w.sessionOf(w.ann), { todos: { $: { fields: ["title"] } } });
    expect(holders(triples, w.A.title)).toEqual([open]);
    expect(triples.some((t) => t[1] === w.A.secret)).toBe(false);
  });

  it("$$ruleParams in the query are the rules' ruleParams", () => {
    const w = world({ todos: { allow: { view: "data.code == ruleParams.code" } } });
    const a = w.todo({ title: "a", code: "alpha" });
    w.todo({ title: "b", code: "beta" });
    const s = w.sessionOf(w.ann);
    expect(w.query(s, { todos: {} }).triples).toEqual([]);
    expect(holders(w.query(s, { todos: {}, $$ruleParams: { code: "alpha" } }).triples, w.A.todoId)).toEqual([a]);
  });

  it("page cursors skip hidden entities; the has-page flags are Instant's (computed before filtering)", () => {
    const w = world({ todos: { allow: { view: "data.title != 'hidden'" } } });
    w.todo({ title: "hidden", rank: 1 });
    const t2 = w.todo({ title: "shown", rank: 2 });
    w.todo({ title: "hidden", rank: 3 });
    w.todo({ title: "shown", rank: 4 });
    const { triples, pageInfo } = w.query(w.sessionOf(w.ann), { todos: { $: { order: { rank: "asc" }, limit: 3 } } });
    expect(holders(triples, w.A.todoId)).toEqual([t2]);
    expect(pageInfo).toMatchObject({ todos: { "start-cursor": [t2, w.A.rank, 2, expect.any(Number)], "end-cursor": [t2, w.A.rank, 2, expect.any(Number)], "has-next-page?": true } });
  });
});

describe("rule failures on reads", () => {
  it("a view rule that fails while running fails the query with permission-evaluation-failed", () => {
    const w = world({ todos: { allow: { view: "data.title.size() > 1 && data.secret.size() > 1" } } });
    w.todo({ title: "no secret" });
    const s = w.sessionOf(w.ann);
    const [reply] = w.app.send(s, { op: "add-query", "client-event-id": "q", q: { todos: {} } }).get(s)!;
    expect(reply).toMatchObject({ op: "error", type: "permission-evaluation-failed", hint: { rule: ["todos", "view"] }, "original-event": { op: "add-query" } });
  });
});

describe("field rules on reads", () => {
  it("a field rule hides one field; the entity and its other fields stay", () => {
    const w = world({ todos: { fields: { secret: "auth.id in data.ref('owner.id')" } } });
    const t = w.todo({ title: "t", secret: "s3cret", owner: w.ann.id });
    const mine = w.query(w.sessionOf(w.ann), { todos: {} }).triples;
    expect(holders(mine, w.A.secret)).toEqual([t]);
    const theirs = w.query(w.sessionOf(w.bob), { todos: {} }).triples;
    expect(holders(theirs, w.A.title)).toEqual([t]);
    expect(holders(theirs, w.A.secret)).toEqual([]);
    expect(JSON.stringify(theirs)).not.toContain("s3cret");
  });
});

describe("invalidation re-checks rules", () => {
  it("a link made later through a data.ref path makes the entity appear live, and unlinking hides it again", () => {
    const w = world({ todos: { allow: { view: "auth.id in data.ref('project.members.id')" } } });
    const p = uuid();
    w.tx([["add-triple", p, w.A.projectId, p], ["add-triple", p, w.A.name, "p"]]);
    const t = w.todo({ title: "t", project: p });
    const bob = w.sessionOf(w.bob);
    expect(w.query(bob, { todos: {} }).triples).toEqual([]);
    const linked = w.tx([["add-triple", p, w.A.members, w.bob.id]]);
    expect(holders(refreshOf(linked, bob)!, w.A.todoId)).toEqual([t]);
    const unlinked = w.tx([["retract-triple", p, w.A.members, w.bob.id]]);
    expect(refreshOf(unlinked, bob)).toEqual([]);
  });

  it("setting the owner link of a hidden todo refreshes the new owner, not an unrelated reader", () => {
    const w = world({ todos: { allow: { view: "auth.id in data.ref('owner.id')" } }, projects: { allow: { view: "true" } } });
    const t = w.todo({ title: "t" });
    const bob = w.sessionOf(w.bob);
    expect(w.query(bob, { todos: {} }).triples).toEqual([]);
    const projects = w.sessionOf(w.ann);
    w.query(projects, { projects: {} });
    const got = w.tx([["add-triple", t, w.A.owner, w.bob.id]]);
    expect(holders(refreshOf(got, bob)!, w.A.todoId)).toEqual([t]);
    expect(refreshOf(got, projects)).toBeNull();
  });

  it("a write to a field the rule reads, outside the returned fields, flips visibility", () => {
    const w = world({ todos: { allow: { view: "data.secret != 'hidden'" } } });
    const t = w.todo({ title: "t", secret: "hidden" });
    const ann = w.sessionOf(w.ann);
    expect(w.query(ann, { todos: { $: { fields: ["title"] } } }).triples).toEqual([]);
    const got = w.tx([["add-triple", t, w.A.secret, "open"]]);
    expect(holders(refreshOf(got, ann)!, w.A.title)).toEqual([t]);
  });

  it("a write to the signed-in user's own row re-checks rules that read auth", () => {
    const w = world({ todos: { allow: { view: "auth.ref('$user.projects.name').size() > 0" } } });
    w.todo({ title: "t" });
    const p = uuid();
    w.tx([["add-triple", p, w.A.projectId, p], ["add-triple", p, w.A.name, "p"]]);
    const bob = w.sessionOf(w.bob);
    expect(w.query(bob, { todos: {} }).triples).toEqual([]);
    const got = w.tx([["add-triple", p, w.A.members, w.bob.id]]);
    expect(refreshOf(got, bob)!.length).toBeGreaterThan(0);
  });
});

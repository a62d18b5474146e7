/**
 * The admin HTTP API (docs/protocol.md §13) through the real Worker and the object's
 * dispatcher under Node (test/helpers/http-harness.ts): admin-token checks,
 * impersonation (`as-email`, `as-token`, `as-guest`), query and transact, the auth
 * endpoints of `db.auth`, the magic-code template, room presence, and the routes this
 * server does not offer (501 with Instant's error body, never a bare 404).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { i } from "../../node_modules/@instantdb/core/dist/esm/schema.js";
import { UNEXPECTED_ERROR_MESSAGE } from "../../src/protocol/errors";
import { isUuid } from "../../src/util/uuid";
import { allStrings, authTableStrings, codeIn, type HttpHarness, httpHarness } from "../helpers/http-harness";

const ADA = "ada@example.com";
const BOB = "bob@example.com";
const APP_USER_NOT_FOUND = { type: "record-not-found", message: "Record not found: app-user", hint: { "record-type": "app-user", args: [] } };

const NICKNAME_SCHEMA = JSON.parse(
  JSON.stringify(
    i.schema({
      entities: { $users: i.entity({ email: i.string().unique().indexed(), nickname: i.string().optional() }) },
      links: {},
      rooms: {},
    }),
  ),
);

let h: HttpHarness;
let appId: string;
let adminToken: string;
let admin: Record<string, string>;

beforeEach(async () => {
  h = await httpHarness();
  const made = await h.createApp({ title: "Books" });
  appId = made.id;
  adminToken = made.adminToken;
  admin = made.admin;
});

const adminPost = (path: string, body: unknown, headers: Record<string, string> = admin) => h.post(`/admin${path}`, body, headers);

/** A user with a refresh token, made by the admin API. */
async function createUser(email: string): Promise<{ id: string; refresh_token: string; [k: string]: unknown }> {
  const res = await adminPost("/refresh_tokens", { email });
  expect(res.status).toBe(200);
  return res.body.user;
}

const verifyToken = (token: string) => h.post("/runtime/auth/verify_refresh_token", { "app-id": appId, "refresh-token": token });

describe("admin credentials", () => {
  it("no Authorization header → param-missing [headers, authorization]", async () => {
    const res = await adminPost("/query", { query: {} }, { "app-id": appId });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: "param-missing", message: 'Missing parameter: ["headers","authorization"]', hint: { in: ["headers", "authorization"] } });
    // Not a bearer token at all reads as none.
    expect((await adminPost("/query", { query: {} }, { "app-id": appId, authorization: `Basic ${adminToken}` })).body.type).toBe("param-missing");
  });

  it("a wrong token (or another app's) → 400 record-not-found app-admin-token", async () => {
    const expected = { type: "record-not-found", message: "Record not found: app-admin-token", hint: { "record-type": "app-admin-token", args: [{ "app-id": appId }] } };
    const wrong = await adminPost("/query", { query: {} }, { "app-id": appId, authorization: `Bearer ${crypto.randomUUID()}` });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(expected);
    const other = await h.createApp({ title: "other" });
    expect((await adminPost("/query", { query: {} }, { "app-id": appId, authorization: `Bearer ${other.adminToken}` })).body).toEqual(expected);
    // The token is case-sensitive text and is never echoed.
    expect(wrong.text).not.toContain(adminToken);
  });

  it("an unknown app → record-not-found app, whatever the token", async () => {
    const ghost = crypto.randomUUID();
    const res = await adminPost("/query", { query: {} }, { "app-id": ghost, authorization: `Bearer ${adminToken}` });
    expect(res.body).toEqual({ type: "record-not-found", message: "Record not found: app", hint: { "record-type": "app", args: [{ id: ghost }] } });
  });

  it("as-email needs the admin token and a known email", async () => {
    await createUser(ADA);
    const noToken = await adminPost("/query", { query: {} }, { "app-id": appId, "as-email": ADA });
    expect(noToken.body).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
    const unknown = await adminPost("/query", { query: {} }, { ...admin, "as-email": BOB });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(APP_USER_NOT_FOUND);
    const ok = await adminPost("/query", { query: {} }, { ...admin, "as-email": ADA });
    expect(ok).toMatchObject({ status: 200, body: {} });
    const malformed = await adminPost("/query", { query: {} }, { ...admin, "as-email": "nope" });
    expect(malformed.body).toMatchObject({ type: "param-malformed", hint: { in: ["asUser", "email"], "original-input": "nope" } });
    expect(h.calls.at(-1)).toMatchObject({ credentials: { adminToken, as: { kind: "email", email: ADA } } });
  });

  it("as-token needs no admin token; unknown → app-user; not a uuid → param-malformed [asUser, token]", async () => {
    const ada = await createUser(ADA);
    const ok = await adminPost("/query", { query: { $users: {} } }, { "app-id": appId, "as-token": ada.refresh_token });
    expect(ok.status).toBe(200);
    expect(h.calls.at(-1)).toMatchObject({ credentials: { adminToken: null, as: { kind: "token", token: ada.refresh_token } } });
    const unknown = await adminPost("/query", { query: {} }, { "app-id": appId, "as-token": crypto.randomUUID() });
    expect(unknown.body).toEqual(APP_USER_NOT_FOUND);
    const bad = await adminPost("/query", { query: {} }, { "app-id": appId, "as-token": "nope" });
    expect(bad.body).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["asUser","token"]', hint: { in: ["asUser", "token"], "original-input": null } });
    // Signed out, the token impersonates nobody.
    await adminPost("/sign_out", { refresh_token: ada.refresh_token });
    expect((await adminPost("/query", { query: {} }, { "app-id": appId, "as-token": ada.refresh_token })).body).toEqual(APP_USER_NOT_FOUND);
  });

  it("as-guest needs no admin token; transact works as a guest too", async () => {
    const q = await adminPost("/query", { query: { books: {} } }, { "app-id": appId, "as-guest": "true" });
    expect(q).toMatchObject({ status: 200, body: { books: [] } });
    const id = crypto.randomUUID();
    const tx = await adminPost("/transact", { steps: [["update", "books", id, { title: "Dune" }]] }, { "app-id": appId, "as-guest": "true" });
    expect(tx.status).toBe(200);
    expect(h.calls.at(-1)).toMatchObject({ credentials: { adminToken: null, as: { kind: "guest" } } });
  });

  // Instant's default `$users` view rule (auth.id == data.id): impersonated requests are
  // not admin, so they see no other user's row or email (src/permissions/visibility.ts).
  it("as-guest and as-token see only what Instant's default $users rule allows", async () => {
    const ada = await createUser(ADA);
    await createUser(BOB);
    const guest = await adminPost("/query", { query: { $users: {} } }, { "app-id": appId, "as-guest": "true" });
    expect(guest.body).toEqual({ $users: [] });
    const asAda = await adminPost("/query", { query: { $users: {} } }, { "app-id": appId, "as-token": ada.refresh_token });
    expect(asAda.body.$users.map((u: { email: string }) => u.email)).toEqual([ADA]);
  });

  it("impersonation headers do not open the admin-only routes", async () => {
    const ada = await createUser(ADA);
    for (const [method, path, body] of [
      ["POST", "/refresh_tokens", { email: BOB }],
      ["GET", `/users?email=${ADA}`, undefined],
      ["POST", "/magic_code", { email: ADA }],
      ["GET", "/rooms/presence?room-id=r", undefined],
    ] as const) {
      const res = await h.request(method, `/admin${path}`, { body, headers: { "app-id": appId, "as-token": ada.refresh_token } });
      expect(res.body, path).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
    }
  });
});

describe("query and transact", () => {
  it("transact answers {tx-id}, with lookups; query answers the object tree", async () => {
    const dune = crypto.randomUUID();
    const tx = await adminPost("/transact", {
      steps: [
        ["update", "authors", ["email", "frank@example.com"], { name: "Frank" }],
        ["update", "books", dune, { title: "Dune", year: 1965 }],
        ["link", "books", dune, { authors: { email: "frank@example.com" } }],
      ],
    });
    expect(tx.status).toBe(200);
    expect(Object.keys(tx.body)).toEqual(["tx-id"]);
    expect(Number.isInteger(tx.body["tx-id"])).toBe(true);
    expect(tx.body["tx-id"]).toBeGreaterThan(1);

    const q = await adminPost("/query", { query: { books: { authors: {} } } });
    expect(q.status).toBe(200);
    expect(q.body).toEqual({
      books: [{ id: dune, title: "Dune", year: 1965, authors: [{ id: expect.any(String), email: "frank@example.com", name: "Frank" }] }],
    });
    const lookup = await adminPost("/transact", { steps: [["update", "authors", 'lookup__email__"frank@example.com"', { name: "Frank H." }]] });
    expect(lookup.body["tx-id"]).toBeGreaterThan(tx.body["tx-id"]);
    const where = await adminPost("/query", { query: { authors: { $: { where: { email: "frank@example.com" } } } } });
    expect(where.body.authors).toEqual([{ id: q.body.books[0].authors[0].id, email: "frank@example.com", name: "Frank H." }]);
  });

  it("inference? returns has-one links as objects", async () => {
    const dune = crypto.randomUUID();
    await adminPost("/transact", {
      steps: [
        ["update", "authors", ["email", "frank@example.com"], { name: "Frank" }],
        ["update", "books", dune, { title: "Dune" }],
        ["link", "books", dune, { authors: { email: "frank@example.com" } }],
      ],
    });
    const q = await adminPost("/query", { query: { books: { authors: {} } }, "inference?": true });
    expect(q.body.books[0].authors).toMatchObject({ email: "frank@example.com" });
  });

  it("throw-on-missing-attrs? refuses steps that would create attrs, and writes nothing", async () => {
    const steps = [["update", "books", crypto.randomUUID(), { title: "Dune" }]];
    const res = await adminPost("/transact", { steps, "throw-on-missing-attrs?": true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      type: "validation-failed",
      message: "Validation failed for steps: Attributes are missing in your schema",
      hint: {
        "data-type": "steps",
        input: steps,
        errors: [{ message: "Attributes are missing in your schema", hint: { attributes: expect.arrayContaining(["books.title"]) } }],
      },
    });
    expect((await adminPost("/query", { query: { books: {} } })).body).toEqual({ books: [] });
    // Any value but null/false counts as true, as Instant reads it.
    expect((await adminPost("/transact", { steps, "throw-on-missing-attrs?": "yes" })).status).toBe(400);
    // With the attrs in place the same steps pass.
    await adminPost("/transact", { steps });
    expect((await adminPost("/transact", { steps, "throw-on-missing-attrs?": true })).status).toBe(200);
  });

  it("steps and query are required and shaped", async () => {
    expect((await adminPost("/transact", {})).body).toMatchObject({ type: "param-missing", hint: { in: ["body", "steps"] } });
    expect((await adminPost("/transact", { steps: {} })).body).toMatchObject({ type: "param-malformed", hint: { in: ["body", "steps"], "original-input": {} } });
    expect((await adminPost("/query", {})).body).toMatchObject({ type: "param-missing", hint: { in: ["body", "query"] } });
    expect((await adminPost("/query", { query: [] })).body).toMatchObject({ type: "param-malformed", hint: { in: ["body", "query"] } });
    const bad = await adminPost("/transact", { steps: [["explode", "books", crypto.randomUUID(), {}]] });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe("validation-failed");
    expect(h.unexpected).toEqual([]);
  });

  it("an admin write refreshes subscribed sessions (one commit pipeline)", async () => {
    const o = h.object(appId);
    const s = o.openSession();
    o.send(s, { op: "init", "client-event-id": "i", "app-id": appId, versions: { "@instantdb/core": "v1.0.67" } });
    o.send(s, { op: "add-query", "client-event-id": "q", q: { books: {} } });
    const id = crypto.randomUUID();
    const tx = await adminPost("/transact", { steps: [["update", "books", id, { title: "Dune" }]] });
    const refresh = o.inbox.get(s)!.find((m) => m.op === "refresh-ok");
    expect(refresh).toMatchObject({ "processed-tx-id": tx.body["tx-id"] });
    expect(JSON.stringify(refresh)).toContain("Dune");
  });
});

describe("users and tokens", () => {
  it("refresh_tokens by email: creates the user once (created), then new tokens for it", async () => {
    const first = await adminPost("/refresh_tokens", { email: " Ada@Example.com " });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      created: true,
      user: { id: expect.any(String), app_id: appId, email: ADA, isGuest: false, created_at: "2023-11-14T22:13:20Z", refresh_token: expect.any(String) },
    });
    expect(isUuid(first.body.user.refresh_token)).toBe(true);
    const second = await adminPost("/refresh_tokens", { email: ADA });
    expect(second.body).toMatchObject({ created: false, user: { id: first.body.user.id } });
    expect(second.body.user.refresh_token).not.toBe(first.body.user.refresh_token);
    expect((await verifyToken(second.body.user.refresh_token)).body.user.id).toBe(first.body.user.id);
    expect(h.emails).toEqual([]);
  });

  it("refresh_tokens by id: creates a user with that id, then reuses it", async () => {
    const id = crypto.randomUUID();
    const first = await adminPost("/refresh_tokens", { id });
    expect(first.body).toMatchObject({ created: true, user: { id, isGuest: false } });
    expect(first.body.user).not.toHaveProperty("email");
    expect((await adminPost("/refresh_tokens", { id: id.toUpperCase() })).body).toMatchObject({ created: false, user: { id } });
    expect((await adminPost("/refresh_tokens", { id: "nope" })).body).toMatchObject({ type: "param-malformed", hint: { in: ["body", "id"], "original-input": "nope" } });
    // Neither email nor id: Instant's validation-failed, from src/auth/sign-in.ts createToken.
    expect((await adminPost("/refresh_tokens", {})).body).toMatchObject({ type: "validation-failed", message: "Validation failed for body: Please provide an `email` or `id`" });
  });

  // createToken's contract (src/auth/sign-in.ts), as in Instant: the email takes precedence.
  it("refresh_tokens with both email and id finds the user by email", async () => {
    const ada = await createUser(ADA);
    const res = await adminPost("/refresh_tokens", { email: ADA, id: crypto.randomUUID() });
    expect(res.body).toMatchObject({ created: false, user: { id: ada.id, email: ADA } });
  });

  it("tokens are stored only as hashes", async () => {
    const ada = await createUser(ADA);
    const { code } = (await adminPost("/magic_code", { email: BOB })).body;
    const sql = h.object(appId).sql;
    expect(authTableStrings(sql).length).toBeGreaterThan(0);
    const stored = allStrings(sql).join("\n");
    expect(stored).not.toContain(ada.refresh_token);
    expect(authTableStrings(sql).join("\n")).not.toContain(code);
  });

  it("GET /admin/users by id, email or refresh_token; {user: null} when absent", async () => {
    const ada = await createUser(ADA);
    const { refresh_token, ...user } = ada;
    for (const qs of [`id=${ada.id}`, `email=${encodeURIComponent(" ADA@example.com")}`, `refresh_token=${refresh_token}`]) {
      const res = await h.get(`/admin/users?${qs}`, admin);
      expect(res.status, qs).toBe(200);
      expect(res.body, qs).toEqual({ user });
    }
    for (const qs of [`id=${crypto.randomUUID()}`, `email=${BOB}`, `refresh_token=${crypto.randomUUID()}`]) {
      expect((await h.get(`/admin/users?${qs}`, admin)).body, qs).toEqual({ user: null });
    }
    expect((await h.get("/admin/users", admin)).body).toMatchObject({ type: "param-missing", hint: { in: ["query", "email"] } });
    expect((await h.get("/admin/users?id=7", admin)).body).toMatchObject({ type: "param-malformed", hint: { in: ["query", "id"], "original-input": "7" } });
    const badToken = await h.get("/admin/users?refresh_token=sekrit", admin);
    expect(badToken.body).toMatchObject({ type: "param-malformed", hint: { in: ["query", "refresh_token"], "original-input": null } });
    expect(badToken.text).not.toContain("sekrit");
  });

  it("DELETE /admin/users answers {deleted: user} and revokes the user's tokens; {deleted: null} when absent", async () => {
    const ada = await createUser(ADA);
    const second = await createUser(ADA);
    const { refresh_token: _t, ...user } = ada;
    const res = await h.del(`/admin/users?email=${ADA}`, admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: user });
    expect((await h.get(`/admin/users?id=${ada.id}`, admin)).body).toEqual({ user: null });
    for (const t of [ada.refresh_token, second.refresh_token]) expect((await verifyToken(t)).body).toEqual(APP_USER_NOT_FOUND);
    const tokens = h.object(appId).sql.all(`SELECT user_id FROM auth_refresh_tokens WHERE user_id = ?`, ada.id);
    expect(tokens).toEqual([]);
    expect((await h.del(`/admin/users?email=${ADA}`, admin)).body).toEqual({ deleted: null });
  });

  it("DELETE by id and by refresh_token", async () => {
    const ada = await createUser(ADA);
    const bob = await createUser(BOB);
    expect((await h.del(`/admin/users?id=${ada.id}`, admin)).body.deleted).toMatchObject({ id: ada.id, email: ADA });
    expect((await h.del(`/admin/users?refresh_token=${bob.refresh_token}`, admin)).body.deleted).toMatchObject({ id: bob.id });
    expect((await h.del(`/admin/users?refresh_token=${bob.refresh_token}`, admin)).body).toEqual({ deleted: null });
    expect((await adminPost("/query", { query: { $users: {} } })).body).toEqual({ $users: [] });
  });

  it("deleting a user deletes its linked guests and revokes their tokens too", async () => {
    const ada = await createUser(ADA);
    const guest = (await h.post("/runtime/auth/sign_in_guest", { "app-id": appId })).body.user;
    const { code } = (await adminPost("/magic_code", { email: ADA })).body;
    const linked = await h.post("/runtime/auth/verify_magic_code", { "app-id": appId, email: ADA, code, "refresh-token": guest.refresh_token });
    expect(linked.body.user.id).toBe(ada.id);
    expect((await h.get(`/admin/users?id=${guest.id}`, admin)).body.user).toMatchObject({ linkedPrimaryUser: ada.id });
    await h.del(`/admin/users?id=${ada.id}`, admin);
    expect((await verifyToken(guest.refresh_token)).body).toEqual(APP_USER_NOT_FOUND);
    expect((await h.get(`/admin/users?id=${guest.id}`, admin)).body).toEqual({ user: null });
  });

  it("sign_out by email or id revokes every token of the user; by refresh_token only that one", async () => {
    const a1 = await createUser(ADA);
    const a2 = await createUser(ADA);
    const one = await adminPost("/sign_out", { refresh_token: a1.refresh_token });
    expect(one.status).toBe(200);
    expect((await verifyToken(a1.refresh_token)).body).toEqual(APP_USER_NOT_FOUND);
    expect((await verifyToken(a2.refresh_token)).status).toBe(200);

    const a3 = await createUser(ADA);
    expect((await adminPost("/sign_out", { email: ADA })).status).toBe(200);
    for (const t of [a2.refresh_token, a3.refresh_token]) expect((await verifyToken(t)).body).toEqual(APP_USER_NOT_FOUND);

    const a4 = await createUser(ADA);
    expect((await adminPost("/sign_out", { id: a4.id })).status).toBe(200);
    expect((await verifyToken(a4.refresh_token)).body).toEqual(APP_USER_NOT_FOUND);
    // The user itself remains.
    expect((await h.get(`/admin/users?email=${ADA}`, admin)).body.user).toMatchObject({ id: a1.id });
  });

  it("sign_out for an email no user has is app-user; an unknown id or token is fine", async () => {
    expect((await adminPost("/sign_out", { email: BOB })).body).toEqual(APP_USER_NOT_FOUND);
    expect((await adminPost("/sign_out", { id: crypto.randomUUID() })).status).toBe(200);
    expect((await adminPost("/sign_out", { refresh_token: crypto.randomUUID() })).status).toBe(200);
    expect((await adminPost("/sign_out", {})).body).toMatchObject({ type: "param-missing" });
  });
});

describe("magic codes and guests", () => {
  it("magic_code returns {code} and sends nothing; the code signs in once", async () => {
    const res = await adminPost("/magic_code", { email: " ADA@example.com" });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["code"]);
    expect(res.body.code).toMatch(/^\d{6}$/);
    expect(h.emails).toEqual([]);
    const verify = () => adminPost("/verify_magic_code", { email: ADA, code: res.body.code });
    const ok = await verify();
    expect(ok.body).toMatchObject({ created: true, user: { email: ADA, type: "user", refresh_token: expect.any(String) } });
    expect((await verify()).body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-user-magic-code" } });
  });

  it("send_magic_code sends one email and returns its code", async () => {
    const res = await adminPost("/send_magic_code", { email: ADA });
    expect(res.status).toBe(200);
    expect(h.emails).toHaveLength(1);
    expect(h.emails[0]!.to).toBe(ADA);
    expect(res.body).toEqual({ code: codeIn(h.emails[0]!) });
  });

  it("verify_magic_code applies no $users create rule: extra-fields pass without one", async () => {
    const app = await h.createApp({ schema: NICKNAME_SCHEMA });
    const headers = app.admin;
    const { code } = (await h.post("/admin/magic_code", { email: ADA }, headers)).body;
    const res = await h.post("/admin/verify_magic_code", { email: ADA, code, "extra-fields": { nickname: "ada" } }, headers);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: true, user: { email: ADA, nickname: "ada" } });
    const denied = await h.createApp({ rules: { $users: { allow: { create: "false" } } } });
    const c2 = (await h.post("/admin/magic_code", { email: ADA }, denied.admin)).body.code;
    expect((await h.post("/admin/verify_magic_code", { email: ADA, code: c2 }, denied.admin)).body).toMatchObject({ created: true });
  });

  it("sign_in_guest → {user} of type guest; extra-fields need no create rule", async () => {
    const app = await h.createApp({ schema: NICKNAME_SCHEMA });
    const res = await h.post("/admin/sign_in_guest", { "extra-fields": { nickname: "g" } }, app.admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: expect.any(String), app_id: app.id, type: "guest", isGuest: true, nickname: "g", created_at: "2023-11-14T22:13:20Z", refresh_token: expect.any(String) },
    });
  });
});

describe("the magic-code email template", () => {
  const template = { subject: "Sign in to {app_title}", body: "Hi {user_email}, your code is {code}. It expires in {expiration}." };

  it("a template set by the admin is used by both send_magic_code routes; {template: null} restores the default", async () => {
    const set = await adminPost("/magic_code_template", { template });
    expect(set).toMatchObject({ status: 200, body: { template } });
    const { code } = (await adminPost("/send_magic_code", { email: ADA })).body;
    expect(h.emails[0]).toMatchObject({ to: ADA, subject: "Sign in to Books", text: `Hi ${ADA}, your code is ${code}. It expires in 24 hours.` });
    await h.post("/runtime/auth/send_magic_code", { "app-id": appId, email: BOB });
    expect(h.emails[1]!.subject).toBe("Sign in to Books");

    expect((await adminPost("/magic_code_template", { template: null })).body).toEqual({ template: null });
    const again = (await adminPost("/send_magic_code", { email: ADA })).body.code;
    expect(h.emails[2]!.subject).toBe(`${again} is your verification code for Books`);
  });

  it("the body must show the code; subject and body are required; the admin token is needed", async () => {
    const noCode = await adminPost("/magic_code_template", { template: { subject: "s", body: "no code here" } });
    expect(noCode.body).toEqual({
      type: "param-malformed",
      message: 'Malformed parameter: ["body","template","body"]',
      hint: { in: ["body", "template", "body"], "original-input": "no code here" },
    });
    expect((await adminPost("/magic_code_template", { template: { body: "{code}" } })).body).toMatchObject({
      type: "param-missing",
      hint: { in: ["body", "template", "subject"] },
    });
    expect((await adminPost("/magic_code_template", {})).body).toMatchObject({ type: "param-missing", hint: { in: ["body", "template"] } });
    const anon = await adminPost("/magic_code_template", { template }, { "app-id": appId });
    expect(anon.body).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
    await adminPost("/send_magic_code", { email: ADA });
    expect(h.emails[0]!.subject).toMatch(/is your verification code for Books$/);
  });
});

describe("room presence", () => {
  it("needs the admin token and a room-id; answers each session with its full $users record", async () => {
    const ada = await createUser(ADA);
    const o = h.object(appId);
    const s = o.openSession();
    o.send(s, { op: "init", "client-event-id": "i", "app-id": appId, "refresh-token": ada.refresh_token, versions: { "@instantdb/core": "v1.0.67" } });
    o.send(s, { op: "join-room", "client-event-id": "j", "room-id": "lobby", "room-type": "chat", data: { cursor: 1 } });

    const anon = await h.get("/admin/rooms/presence?room-id=lobby", { "app-id": appId });
    expect(anon.body).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
    const wrong = await h.get("/admin/rooms/presence?room-id=lobby", { "app-id": appId, authorization: "Bearer nope" });
    expect(wrong.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-admin-token" } });
    expect((await h.get("/admin/rooms/presence", admin)).body).toMatchObject({ type: "param-missing", hint: { in: ["query", "room-id"] } });

    const res = await h.get(`/admin/rooms/presence?app_id=${appId}&room-type=chat&room-id=lobby`, { authorization: `Bearer ${adminToken}` });
    expect(res.status).toBe(200);
    const { refresh_token: _t, ...user } = ada;
    expect(res.body).toEqual({ sessions: { [s]: { "peer-id": s, user, data: { cursor: 1 } } } });
    expect((await h.get("/admin/rooms/presence?room-id=empty", admin)).body).toEqual({ sessions: {} });
  });
});

describe("routes", () => {
  const UNSUPPORTED: [string, string][] = [
    ["PUT", "/storage/upload"],
    ["GET", "/storage/files"],
    ["DELETE", "/storage/files"],
    ["POST", "/storage/files/delete"],
    ["POST", "/storage/signed-upload-url"],
    ["GET", "/storage/signed-download-url"],
    ["POST", "/sse"],
    ["POST", "/sse/push"],
    ["GET", "/schema"],
    ["GET", "/soft_deleted_attrs"],
  ];

  it("every admin SDK route this server lacks answers 501 with Instant's error body", async () => {
    for (const [method, path] of UNSUPPORTED) {
      const res = await h.request(method, `/admin${path}?app_id=${appId}`, { headers: admin, body: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(501);
      expect(res.body, `${method} ${path}`).toEqual({
        type: "validation-failed",
        message: expect.stringMatching(new RegExp(`^${method} /admin${path.replace(/[/.]/g, "\\$&")} is not supported by this server: .+\\.$`)),
        hint: { route: `${method} /admin${path}` },
      });
    }
  });

  it("the admin SDK's webhooks routes answer 501 too", async () => {
    for (const [method, path] of [
      ["GET", `/dash/apps/${appId}/webhooks`],
      ["POST", `/dash/apps/${appId}/webhooks`],
      ["DELETE", `/dash/apps/${appId}/webhooks/${crypto.randomUUID()}`],
      ["POST", `/dash/apps/${appId}/webhooks/${crypto.randomUUID()}/disable`],
      ["GET", "/.well-known/webhooks/jwks.json"],
    ] as const) {
      const res = await h.request(method, path, { headers: admin, body: method === "POST" ? {} : undefined });
      expect(res.status, `${method} ${path}`).toBe(501);
      expect(res.body.message, path).toContain("webhooks are not available");
    }
  });

  it("an unknown path is a 404 with a JSON body", async () => {
    const root = await h.get("/nope");
    expect(root).toMatchObject({ status: 404, body: { type: "param-malformed", message: "No route for GET /nope" } });
    const adminPath = await h.get("/admin/nope", admin);
    expect(adminPath).toMatchObject({ status: 404, body: { type: "param-malformed", message: "No route for GET /admin/nope" } });
    const wrongMethod = await h.get("/admin/query", admin);
    expect(wrongMethod).toMatchObject({ status: 404, body: { message: "No route for GET /admin/query" } });
    const runtime = await h.post("/runtime/auth/nope", { "app-id": appId });
    expect(runtime).toMatchObject({ status: 404, body: { type: "param-malformed" } });
  });

  // The app id is read per route, so a path that exists nowhere is a 404 even without one.
  it("an unknown /admin path without an app id is still a 404", async () => {
    const res = await h.get("/admin/nope");
    expect(res.status).toBe(404);
  });

  it("health, and nothing unexpected was thrown on the way", async () => {
    expect(await h.get("/health")).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(h.unexpected).toEqual([]);
    expect(UNEXPECTED_ERROR_MESSAGE).toBeTruthy();
  });
});

describe("rules for instant-cli (perms pull / push)", () => {
  it("push stores the document, pull returns it as stored, both need the admin token", async () => {
    expect((await h.get(`/dash/apps/${appId}/perms/pull`, admin)).body).toEqual({ perms: null });
    const code = { todos: { allow: { view: "auth.id != null", $default: "false" }, bind: ["isOwner", "auth.id == data.creator"] } };
    const pushed = await h.post(`/dash/apps/${appId}/rules`, { code }, admin);
    expect(pushed).toMatchObject({ status: 200, body: { rules: { app_id: appId, code } } });
    expect((await h.get(`/dash/apps/${appId}/perms/pull`, admin)).body).toEqual({ perms: code });
    const anonymous = await h.get(`/dash/apps/${appId}/perms/pull`);
    expect(anonymous.body).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
    const wrong = await h.post(`/dash/apps/${appId}/rules`, { code: {} }, { authorization: `Bearer ${crypto.randomUUID()}` });
    expect(wrong.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-admin-token" } });
    expect((await h.get(`/dash/apps/${appId}/perms/pull`, admin)).body).toEqual({ perms: code });
  });

  it("a malformed document is refused whole, naming each bad rule", async () => {
    const res = await h.post(`/dash/apps/${appId}/rules`, { code: { todos: { allow: { view: 1, fly: "true" } }, notes: "x" } }, admin);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("validation-failed");
    expect(res.body.hint.errors.map((e: { in: string[] }) => e.in)).toEqual([["todos", "allow", "view"], ["todos", "allow", "fly"], ["notes"]]);
    expect((await h.get(`/dash/apps/${appId}/perms/pull`, admin)).body).toEqual({ perms: null });
    const broken = await h.post(`/dash/apps/${appId}/rules`, { code: { todos: { allow: { view: "auth.id == " } } } }, admin);
    expect(broken.body).toMatchObject({ type: "validation-failed", hint: { errors: [{ in: ["todos", "allow", "view"] }] } });
    expect(broken.body.message).toContain("todos.allow.view:1:");
    const missing = await h.post(`/dash/apps/${appId}/rules`, {}, admin);
    expect(missing.body).toMatchObject({ type: "param-missing", hint: { in: ["body", "code"] } });
  });
});

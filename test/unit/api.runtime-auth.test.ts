/**
 * The runtime auth endpoints browser clients call (docs/protocol.md §12.2–12.5), end to
 * end through the real Worker and the object's dispatcher under Node
 * (test/helpers/http-harness.ts): magic codes (single use, expiry, wrong-guess cap, rate
 * limits), refresh tokens, guests (upgrade in place, linking), sign-out, `extra-fields`
 * and the `$users` create rule, and sign-ups reaching subscribers through the commit
 * pipeline.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { i } from "../../node_modules/@instantdb/core/dist/esm/schema.js";
import { DEFAULT_MAGIC_CODE_TTL_MS, MAX_MAGIC_CODE_ATTEMPTS } from "../../src/auth/magic-codes";
import { EMAIL_RATE_LIMITED_MESSAGE, MAGIC_CODE_SENDS_PER_WINDOW, MAGIC_CODE_VERIFIES_PER_WINDOW, RATE_LIMIT_WINDOW_MS } from "../../src/auth/rate-limit";
import { UNEXPECTED_ERROR_MESSAGE } from "../../src/protocol/errors";
import { isUuid } from "../../src/util/uuid";
import { allStrings, authTableStrings, codeIn, type HttpHarness, httpHarness } from "../helpers/http-harness";

const ADA = "ada@example.com";

const MAGIC_CODE_NOT_FOUND = {
  type: "record-not-found",
  message: "Record not found: app-user-magic-code",
  hint: { "record-type": "app-user-magic-code", args: [] },
};
const APP_USER_NOT_FOUND = { type: "record-not-found", message: "Record not found: app-user", hint: { "record-type": "app-user", args: [] } };
const SIGNUP_DENIED = {
  type: "permission-denied",
  message: "Permission denied: not perms-pass?",
  hint: { input: ["$users", "create"], expected: "perms-pass?" },
};

/** An app schema whose `$users` has a custom field. */
const NICKNAME_SCHEMA = JSON.parse(
  JSON.stringify(
    i.schema({
      entities: { $users: i.entity({ email: i.string().unique().indexed(), nickname: i.string().optional() }) },
      links: {},
      rooms: {},
    }),
  ),
);
const OPEN_SIGNUP = { $users: { allow: { create: "true" } } };

let h: HttpHarness;
let appId: string;
let admin: Record<string, string>;

beforeEach(async () => {
  h = await httpHarness();
  const made = await h.createApp({ title: "Books" });
  appId = made.id;
  admin = made.admin;
});

const post = (path: string, body: Record<string, unknown>) => h.post(`/runtime${path}`, { "app-id": appId, ...body });

async function sendCode(email = ADA): Promise<string> {
  const res = await post("/auth/send_magic_code", { email });
  expect(res).toMatchObject({ status: 200, body: { sent: true } });
  return codeIn(h.emails.at(-1)!);
}

const verify = (email: string, code: string, extra: Record<string, unknown> = {}) => post("/auth/verify_magic_code", { email, code, ...extra });

async function signUp(email = ADA, extra: Record<string, unknown> = {}) {
  const res = await verify(email, await sendCode(email), extra);
  expect(res.status).toBe(200);
  return res.body as { user: { id: string; refresh_token: string; [k: string]: unknown }; created: boolean };
}

async function guest() {
  const res = await post("/auth/sign_in_guest", {});
  expect(res.status).toBe(200);
  return res.body.user as { id: string; refresh_token: string; [k: string]: unknown };
}

const otherThan = (code: string) => (code === "000000" ? "000001" : "000000");

describe("magic codes", () => {
  it("send_magic_code answers {sent: true} and emails exactly one message with the code", async () => {
    const res = await post("/auth/send_magic_code", { email: ADA });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sent: true });
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(h.emails).toHaveLength(1);
    const [m] = h.emails;
    expect(m!.to).toBe(ADA);
    const code = codeIn(m!);
    expect(code).toMatch(/^\d{6}$/);
    expect(m!.subject).toBe(`${code} is your verification code for Books`);
    expect(m!.html).toContain(code);
    // The reply never carries the code.
    expect(res.text).not.toContain(code);
  });

  it("verify_magic_code signs up ({user, created: true}); the same code again is record-not-found", async () => {
    const code = await sendCode();
    const res = await verify(ADA, code);
    expect(res.status).toBe(200);
    const { user, created } = res.body;
    expect(created).toBe(true);
    expect(user).toEqual({
      id: expect.any(String),
      app_id: appId,
      email: ADA,
      type: "user",
      isGuest: false,
      created_at: "2023-11-14T22:13:20Z",
      refresh_token: expect.any(String),
    });
    expect(isUuid(user.id)).toBe(true);
    expect(isUuid(user.refresh_token)).toBe(true);

    const again = await verify(ADA, code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual(MAGIC_CODE_NOT_FOUND);
  });

  it("signing in again is created: false, same user, a new token; both tokens stay valid", async () => {
    const first = await signUp();
    const second = await signUp();
    expect(second.created).toBe(false);
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.refresh_token).not.toBe(first.user.refresh_token);
    for (const t of [first.user.refresh_token, second.user.refresh_token]) {
      expect((await post("/auth/verify_refresh_token", { "refresh-token": t })).body.user.id).toBe(first.user.id);
    }
  });

  it("a code is valid for its whole expiry window and record-expired after it (and then gone)", async () => {
    const code = await sendCode();
    h.advance(DEFAULT_MAGIC_CODE_TTL_MS);
    expect((await verify(ADA, code)).status).toBe(200);

    const late = await sendCode();
    h.advance(DEFAULT_MAGIC_CODE_TTL_MS + 1);
    const res = await verify(ADA, late);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: "record-expired", message: "Record expired: app-user-magic-code", hint: { args: [] } });
    expect((await verify(ADA, late)).body).toEqual(MAGIC_CODE_NOT_FOUND);
  });

  it(`${MAX_MAGIC_CODE_ATTEMPTS} wrong guesses void the outstanding code; fewer do not`, async () => {
    const code = await sendCode();
    for (let n = 0; n < MAX_MAGIC_CODE_ATTEMPTS - 1; n++) expect((await verify(ADA, otherThan(code))).body).toEqual(MAGIC_CODE_NOT_FOUND);
    expect((await verify(ADA, code)).status).toBe(200);

    const next = await sendCode();
    for (let n = 0; n < MAX_MAGIC_CODE_ATTEMPTS; n++) expect((await verify(ADA, otherThan(next))).status).toBe(400);
    expect((await verify(ADA, next)).body).toEqual(MAGIC_CODE_NOT_FOUND);
  });

  it("a code is bound to its email", async () => {
    const code = await sendCode(ADA);
    expect((await verify("bob@example.com", code)).body).toEqual(MAGIC_CODE_NOT_FOUND);
    expect((await verify(ADA, code)).status).toBe(200);
  });

  it(`send_magic_code: ${MAGIC_CODE_SENDS_PER_WINDOW} an hour per email, then 429 with Instant's body and no email`, async () => {
    for (let n = 0; n < MAGIC_CODE_SENDS_PER_WINDOW; n++) await sendCode();
    const res = await post("/auth/send_magic_code", { email: ADA });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ type: "rate-limited", message: EMAIL_RATE_LIMITED_MESSAGE });
    expect(h.emails).toHaveLength(MAGIC_CODE_SENDS_PER_WINDOW);
    // Other addresses have their own window; the window reopens after an hour.
    await sendCode("bob@example.com");
    h.advance(RATE_LIMIT_WINDOW_MS);
    await sendCode();
  });

  it(`verify_magic_code: ${MAGIC_CODE_VERIFIES_PER_WINDOW} attempts an hour per email, then 429 even for the right code`, async () => {
    let code = await sendCode();
    for (let n = 0; n < MAGIC_CODE_VERIFIES_PER_WINDOW; n++) {
      // Refresh the code before the wrong-guess cap voids it; the send limit is separate.
      if (n % (MAX_MAGIC_CODE_ATTEMPTS - 1) === MAX_MAGIC_CODE_ATTEMPTS - 2) code = await sendCode();
      expect((await verify(ADA, otherThan(code))).status).toBe(400);
    }
    code = await sendCode();
    const res = await verify(ADA, code);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ type: "rate-limited", message: EMAIL_RATE_LIMITED_MESSAGE });
    h.advance(RATE_LIMIT_WINDOW_MS);
    expect((await verify(ADA, code)).status).toBe(200);
  });

  it("a failing email provider is a 500 with Instant's generic message; the code is not revealed", async () => {
    h.failEmails(new Error("provider down"));
    const res = await post("/auth/send_magic_code", { email: ADA });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: UNEXPECTED_ERROR_MESSAGE });
    expect(h.unexpected).toHaveLength(1);
  });

  it("codes and refresh tokens are stored only as hashes", async () => {
    const code = await sendCode();
    expect(authTableStrings(h.object(appId).sql).join("\n")).not.toContain(code);
    const { user } = (await verify(ADA, code)).body;
    const g = await guest();
    const stored = allStrings(h.object(appId).sql).join("\n");
    expect(authTableStrings(h.object(appId).sql).length).toBeGreaterThan(0);
    expect(stored).not.toContain(user.refresh_token);
    expect(stored).not.toContain(g.refresh_token);
  });
});

describe("refresh tokens, guests, sign-out", () => {
  it("verify_refresh_token: a valid token → {user} with that token; unknown → app-user; not a uuid → param-malformed", async () => {
    const { user } = await signUp();
    const ok = await post("/auth/verify_refresh_token", { "refresh-token": user.refresh_token });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ user });
    // Upper case is the same uuid.
    expect((await post("/auth/verify_refresh_token", { "refresh-token": user.refresh_token.toUpperCase() })).body.user.id).toBe(user.id);

    const unknown = await post("/auth/verify_refresh_token", { "refresh-token": crypto.randomUUID() });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(APP_USER_NOT_FOUND);
    const bad = await post("/auth/verify_refresh_token", { "refresh-token": "abc" });
    expect(bad.body).toEqual({ type: "param-malformed", message: 'Malformed parameter: ["body","refresh-token"]', hint: { in: ["body", "refresh-token"], "original-input": null } });
  });

  it("the admin SDK's verifyToken: app id in the body and the query, no admin headers", async () => {
    const { user } = await signUp();
    const res = await h.post(`/runtime/auth/verify_refresh_token?app_id=${appId}`, { "app-id": appId, "refresh-token": user.refresh_token });
    expect(res).toMatchObject({ status: 200, body: { user: { id: user.id } } });
  });

  it("sign_in_guest → {user} of type guest with no email and a token", async () => {
    const res = await post("/auth/sign_in_guest", {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: expect.any(String), app_id: appId, type: "guest", isGuest: true, created_at: "2023-11-14T22:13:20Z", refresh_token: expect.any(String) },
    });
    expect((await post("/auth/verify_refresh_token", { "refresh-token": res.body.user.refresh_token })).body.user.type).toBe("guest");
  });

  it("a guest verifying a code for a new email is upgraded in place: same id, type user", async () => {
    const g = await guest();
    const res = await verify(ADA, await sendCode(), { "refresh-token": g.refresh_token });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(true);
    expect(res.body.user).toMatchObject({ id: g.id, email: ADA, type: "user", isGuest: false });
    expect(res.body.user.refresh_token).not.toBe(g.refresh_token);
    // The guest's token now names the upgraded user.
    expect((await post("/auth/verify_refresh_token", { "refresh-token": g.refresh_token })).body.user).toMatchObject({ id: g.id, email: ADA, type: "user" });
    const users = await h.post("/admin/query", { query: { $users: {} } }, admin);
    expect(users.body.$users).toHaveLength(1);
  });

  it("a guest verifying a code for an existing user's email is linked to that user", async () => {
    const ada = await signUp();
    const g = await guest();
    const res = await verify(ADA, await sendCode(), { "refresh-token": g.refresh_token });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(false);
    expect(res.body.user).toMatchObject({ id: ada.user.id, email: ADA, type: "user" });
    expect(res.body.user).not.toHaveProperty("linkedPrimaryUser");
    const guestRow = await h.get(`/admin/users?id=${g.id}`, admin);
    expect(guestRow.body.user).toMatchObject({ id: g.id, type: "guest", linkedPrimaryUser: ada.user.id });
  });

  it("a signed-in user's token in verify_magic_code is ignored; an unknown one is app-user", async () => {
    const ada = await signUp();
    const bob = await verify("bob@example.com", await sendCode("bob@example.com"), { "refresh-token": ada.user.refresh_token });
    expect(bob.body).toMatchObject({ created: true, user: { email: "bob@example.com" } });
    expect(bob.body.user.id).not.toBe(ada.user.id);
    const code = await sendCode("cy@example.com");
    const unknown = await verify("cy@example.com", code, { "refresh-token": crypto.randomUUID() });
    expect(unknown.body).toEqual(APP_USER_NOT_FOUND);
    // The refused attempt did not consume the code.
    expect((await verify("cy@example.com", code)).status).toBe(200);
  });

  it("signout (snake_case body) → {}; the token then fails verification; unknown tokens are fine", async () => {
    const { user } = await signUp();
    const res = await h.post("/runtime/signout", { app_id: appId, refresh_token: user.refresh_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await post("/auth/verify_refresh_token", { "refresh-token": user.refresh_token })).body).toEqual(APP_USER_NOT_FOUND);
    expect((await h.post("/runtime/signout", { app_id: appId, refresh_token: crypto.randomUUID() })).body).toEqual({});
    const missing = await h.post("/runtime/signout", { app_id: appId });
    expect(missing.body).toMatchObject({ type: "param-missing", hint: { in: ["body", "refresh_token"] } });
  });

  it("CORS: preflights are answered and the Origin is reflected", async () => {
    const pre = await h.request("OPTIONS", "/runtime/auth/send_magic_code", {
      headers: { origin: "https://books.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://books.example");
    const res = await h.request("POST", "/runtime/auth/sign_in_guest", { body: { "app-id": appId }, headers: { origin: "https://books.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://books.example");
  });
});

describe("extra-fields and the $users create rule", () => {
  it("without a create rule, sign-ups with extra-fields are refused (and keep their code); plain ones pass", async () => {
    const app = await h.createApp({ schema: NICKNAME_SCHEMA });
    const p = (path: string, b: Record<string, unknown>) => h.post(`/runtime${path}`, { "app-id": app.id, ...b });
    await p("/auth/send_magic_code", { email: ADA });
    const code = codeIn(h.emails.at(-1)!);
    const refused = await p("/auth/verify_magic_code", { email: ADA, code, "extra-fields": { nickname: "ada" } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(SIGNUP_DENIED);
    const guestRefused = await p("/auth/sign_in_guest", { "extra-fields": { nickname: "g" } });
    expect(guestRefused.body).toEqual(SIGNUP_DENIED);
    const plain = await p("/auth/verify_magic_code", { email: ADA, code });
    expect(plain.body).toMatchObject({ created: true, user: { email: ADA } });
    expect(plain.body.user).not.toHaveProperty("nickname");
  });

  it('with {"$users": {"allow": {"create": "true"}}}, extra-fields are written on sign-up and ignored afterwards', async () => {
    const app = await h.createApp({ schema: NICKNAME_SCHEMA, rules: OPEN_SIGNUP });
    const p = (path: string, b: Record<string, unknown>) => h.post(`/runtime${path}`, { "app-id": app.id, ...b });
    const code = async () => {
      await p("/auth/send_magic_code", { email: ADA });
      return codeIn(h.emails.at(-1)!);
    };
    const first = await p("/auth/verify_magic_code", { email: ADA, code: await code(), "extra-fields": { nickname: "ada" } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: true, user: { email: ADA, nickname: "ada" } });
    const second = await p("/auth/verify_magic_code", { email: ADA, code: await code(), "extra-fields": { nickname: "changed" } });
    expect(second.body).toMatchObject({ created: false, user: { id: first.body.user.id, nickname: "ada" } });
    const g = await p("/auth/sign_in_guest", { "extra-fields": { nickname: "guest" } });
    expect(g.body.user).toMatchObject({ type: "guest", nickname: "guest" });
  });

  it("extra-fields must name custom $users attrs: unknown and system fields are validation-failed", async () => {
    const app = await h.createApp({ schema: NICKNAME_SCHEMA, rules: OPEN_SIGNUP });
    const unknown = await h.post("/runtime/auth/sign_in_guest", { "app-id": app.id, "extra-fields": { age: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      type: "validation-failed",
      message: "Validation failed for extra-fields: Unknown field: age. It must be defined in your $users schema.",
    });
    const system = await h.post("/runtime/auth/sign_in_guest", { "app-id": app.id, "extra-fields": { email: "x@example.com" } });
    expect(system.body).toMatchObject({ type: "validation-failed", message: "Validation failed for extra-fields: Cannot set system field: email" });
    const notObject = await h.post("/runtime/auth/sign_in_guest", { "app-id": app.id, "extra-fields": ["nickname"] });
    expect(notObject.body).toMatchObject({ type: "param-malformed", hint: { in: ["body", "extra-fields"] } });
  });

  it('a "false" create rule refuses every runtime sign-up, guests included', async () => {
    const app = await h.createApp({ rules: { $users: { allow: { create: "false" } } } });
    expect((await h.post("/runtime/auth/sign_in_guest", { "app-id": app.id })).body).toEqual(SIGNUP_DENIED);
    await h.post("/runtime/auth/send_magic_code", { "app-id": app.id, email: ADA });
    const res = await h.post("/runtime/auth/verify_magic_code", { "app-id": app.id, email: ADA, code: codeIn(h.emails.at(-1)!) });
    expect(res.body).toEqual(SIGNUP_DENIED);
  });
});

describe("unknown apps", () => {
  it("every runtime route answers record-not-found app for an id that was never created", async () => {
    const ghost = crypto.randomUUID();
    const notFound = { type: "record-not-found", message: "Record not found: app", hint: { "record-type": "app", args: [{ id: ghost }] } };
    const bodies: [string, Record<string, unknown>][] = [
      ["/runtime/auth/send_magic_code", { "app-id": ghost, email: ADA }],
      ["/runtime/auth/verify_magic_code", { "app-id": ghost, email: ADA, code: "123456" }],
      ["/runtime/auth/verify_refresh_token", { "app-id": ghost, "refresh-token": crypto.randomUUID() }],
      ["/runtime/auth/sign_in_guest", { "app-id": ghost }],
      ["/runtime/signout", { app_id: ghost, refresh_token: crypto.randomUUID() }],
    ];
    for (const [path, body] of bodies) {
      const res = await h.post(path, body);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual(notFound);
    }
    expect(h.emails).toHaveLength(0);
  });
});

describe("sign-ups go through the commit pipeline", () => {
  const initFrame = (extra: Record<string, unknown> = {}) => ({ op: "init", "client-event-id": "i", "app-id": appId, versions: { "@instantdb/core": "v1.0.67" }, ...extra });

  it("a session subscribed to $users gets a refresh when a sign-up or a guest creates a row", async () => {
    const o = h.object(appId);
    const s = o.openSession();
    // An admin session: it may see every $users row under Instant's default rules too.
    o.send(s, initFrame({ "__admin-token": admin.authorization!.slice("Bearer ".length) }));
    const [added] = o.send(s, { op: "add-query", "client-event-id": "q", q: { $users: {} } });
    expect(added).toMatchObject({ op: "add-query-ok" });
    o.inbox.get(s)!.length = 0;

    const { user } = await signUp();
    const refreshes = o.inbox.get(s)!.filter((m) => m.op === "refresh-ok");
    expect(refreshes).toHaveLength(1);
    expect(JSON.stringify(refreshes[0])).toContain(user.id);
    expect(JSON.stringify(refreshes[0])).toContain(ADA);
    expect(h.deliveries.filter((d) => d.sessionId === s)).toHaveLength(1);

    const g = await guest();
    const after = o.inbox.get(s)!.filter((m) => m.op === "refresh-ok");
    expect(after).toHaveLength(2);
    expect(JSON.stringify(after[1])).toContain(g.id);

    // A sign-in that writes nothing (existing user) refreshes nobody.
    await signUp();
    expect(o.inbox.get(s)!.filter((m) => m.op === "refresh-ok")).toHaveLength(2);
    // The secrets never travel in a refresh.
    expect(JSON.stringify(o.inbox.get(s))).not.toContain(user.refresh_token);
  });

  // Instant's default `$users` view rule (auth.id == data.id): an anonymous socket sees
  // no user rows (src/permissions/visibility.ts).
  it("an anonymous session sees no $users rows (Instant's default view rule)", async () => {
    await signUp();
    const o = h.object(appId);
    const s = o.openSession();
    o.send(s, initFrame());
    const [added] = o.send(s, { op: "add-query", "client-event-id": "q", q: { $users: {} } });
    expect(JSON.stringify(added)).not.toContain(ADA);
  });
});

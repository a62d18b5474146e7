/**
 * The real @instantdb/admin against the gateway: queries as trees, transactions with
 * lookups seen live by a core client, impersonation (`asUser`), the user and token
 * functions of `db.auth`, admin magic codes (one of them delivered through the fake email
 * provider), and the errors a backend gets for a bad token or an unsupported route.
 */
import { i, id, init as initAdmin, InstantAPIError, lookup } from "@instantdb/admin";
import { afterEach, describe, expect, inject, it } from "vitest";
import { outboxFor, waitForMagicCode } from "./fake-email";
import { connectClient, createApp, type CreatedApp, type Db, record } from "./instant-client";

const url = inject("gatewayUrl");
const outbox = inject("emailOutboxUrl");

const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});
const open = (appId: string, opts?: Parameters<typeof connectClient>[2]) => {
  const db = connectClient(url, appId, opts);
  clients.push(db);
  return db;
};
const adminFor = (app: CreatedApp) => initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url });
/** An admin client without an admin token: only `asUser({token})` / `({guest})` and verifyToken work. */
const tokenlessAdmin = (app: CreatedApp) => initAdmin({ appId: app.id, apiURI: url });

let emailCounter = 0;
const uniqueEmail = (tag: string) => `${tag}-${process.pid}-${Date.now().toString(36)}-${++emailCounter}@example.com`;

/** The InstantAPIError a promise rejects with (fails the test if it resolves or throws something else). */
async function apiError(p: Promise<unknown>): Promise<InstantAPIError> {
  const err = await p.then(
    (v) => {
      throw new Error(`expected an InstantAPIError, got a result: ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InstantAPIError);
  return err as InstantAPIError;
}

const appUserNotFound = { type: "record-not-found", hint: { "record-type": "app-user" } };

describe("query and transact", () => {
  const schema = i.schema({
    entities: {
      users: i.entity({ email: i.string().unique().indexed(), name: i.string().optional() }),
      posts: i.entity({ title: i.string() }),
    },
    links: {
      postAuthor: {
        forward: { on: "posts", has: "one", label: "author" },
        reverse: { on: "users", has: "many", label: "posts" },
      },
    },
    rooms: {},
  });

  it("writes through a lookup, seen live by a client, and reads back nested trees", async () => {
    const app = await createApp(url, { schema });
    const admin = initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url, schema });
    const client = open(app.id, { schema });
    const live = record(client, { users: { posts: {} } });
    await live.until((r) => r.data?.users?.length === 0, "no users yet");

    const ada = lookup("email", "a@b.c");
    const first = await admin.transact(admin.tx.users[ada]!.update({ name: "Ada" }));
    expect(first).toEqual({ "tx-id": expect.any(Number) });
    const p1 = id();
    await admin.transact([admin.tx.posts[p1]!.update({ title: "Notes" }).link({ author: ada })]);
    // The same lookup again names the same user.
    const second = await admin.transact(admin.tx.users[ada]!.update({ name: "Ada L." }));
    expect(second["tx-id"]).toBeGreaterThan(first["tx-id"]);

    const seen = await live.until((r) => r.data?.users?.[0]?.name === "Ada L." && r.data.users[0].posts?.length === 1, "the admin's writes, live");
    expect(seen.data.users).toHaveLength(1);
    expect(seen.data.users[0]).toMatchObject({ email: "a@b.c", posts: [{ id: p1, title: "Notes" }] });
    const userId: string = seen.data.users[0].id;

    // Trees: has-many links as arrays; a has-one link not asked for as a child shows its
    // target's id (as in Instant's admin trees); asked for, with a schema, an object.
    const byUser = await admin.query({ users: { posts: {} } });
    expect(byUser).toEqual({ users: [{ id: userId, email: "a@b.c", name: "Ada L.", posts: [{ id: p1, title: "Notes", author: userId }] }] });
    const byPost = await admin.query({ posts: { author: {} } });
    expect(byPost).toEqual({ posts: [{ id: p1, title: "Notes", author: { id: userId, email: "a@b.c", name: "Ada L." } }] });
    // Without a schema (no inference) the same link comes back as an array.
    const plain = await adminFor(app).query({ posts: { author: {} } });
    expect(plain.posts[0]!.author).toEqual([{ id: userId, email: "a@b.c", name: "Ada L." }]);
    const filtered = await admin.query({ posts: { $: { where: { "author.email": "a@b.c" } } } });
    expect(filtered.posts.map((p) => p.id)).toEqual([p1]);
  });
});

describe("asUser", () => {
  it("runs queries and transactions as a user by email, by token and as a guest", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const email = uniqueEmail("as");
    const token = await admin.auth.createToken(email);

    const byEmail = admin.asUser({ email });
    await byEmail.transact(byEmail.tx.todos![id()]!.update({ title: "by email" }));
    const byToken = admin.asUser({ token });
    await byToken.transact(byToken.tx.todos![id()]!.update({ title: "by token" }));
    const guest = admin.asUser({ guest: true });
    await guest.transact(guest.tx.todos![id()]!.update({ title: "as guest" }));
    // `asUser({token})` needs no admin token.
    const tokenOnly = tokenlessAdmin(app).asUser({ token });
    await tokenOnly.transact(tokenOnly.tx.todos![id()]!.update({ title: "token only" }));
    const tokenlessGuest = tokenlessAdmin(app).asUser({ guest: true });

    const titles = ["as guest", "by email", "by token", "token only"];
    for (const db of [byEmail, byToken, guest, tokenOnly, tokenlessGuest, admin]) {
      const r = await db.query({ todos: {} });
      expect(r.todos.map((t) => t.title).sort()).toEqual(titles);
    }
  });

  it("refuses an unknown user, an unknown token, and email impersonation without the admin token", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);

    const unknownEmail = await apiError(admin.asUser({ email: uniqueEmail("nobody") }).query({ todos: {} }));
    expect(unknownEmail.status).toBe(400);
    expect(unknownEmail.body).toMatchObject(appUserNotFound);

    const unknownToken = await apiError(tokenlessAdmin(app).asUser({ token: id() }).query({ todos: {} }));
    expect(unknownToken.status).toBe(400);
    expect(unknownToken.body).toMatchObject(appUserNotFound);

    // The SDK itself refuses before sending anything.
    const email = uniqueEmail("known");
    await admin.auth.createToken(email);
    await expect(async () => tokenlessAdmin(app).asUser({ email }).query({ todos: {} })).rejects.toThrow(/Admin token required/);
  });
});

describe("auth: users and tokens", () => {
  it("creates tokens, finds and verifies users by email, id and token", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const email = uniqueEmail("finder");
    expect(await admin.auth.getUser({ email })).toBeNull();

    const token = await admin.auth.createToken(email);
    const user = await admin.auth.getUser({ email });
    expect(user).toMatchObject({ email, app_id: app.id });
    expect(await admin.auth.getUser({ id: user!.id })).toEqual(user);
    expect(await admin.auth.getUser({ refresh_token: token })).toEqual(user);
    expect(await admin.auth.verifyToken(token)).toMatchObject({ id: user!.id, email });

    // Another token for the same user, by email and by id: both verify, all distinct.
    const again = await admin.auth.createToken(email);
    const byId = await admin.auth.createToken({ id: user!.id });
    expect(new Set([token, again, byId]).size).toBe(3);
    expect(await admin.auth.verifyToken(byId)).toMatchObject({ id: user!.id, email });
    // verifyToken sends no admin credential: it works from a client without one.
    expect(await tokenlessAdmin(app).auth.verifyToken(again)).toMatchObject({ id: user!.id });

    const unknown = await apiError(admin.auth.verifyToken(id()));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject(appUserNotFound);
  });

  it("signs out by refresh token, by id and by email: those tokens stop working", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const email = uniqueEmail("signout");
    const [t1, t2] = [await admin.auth.createToken(email), await admin.auth.createToken(email)];
    const userId = (await admin.auth.verifyToken(t1)).id;

    await admin.auth.signOut({ refresh_token: t1 });
    expect((await apiError(admin.auth.verifyToken(t1))).body).toMatchObject(appUserNotFound);
    expect((await admin.auth.verifyToken(t2)).id).toBe(userId);

    await admin.auth.signOut({ id: userId });
    expect((await apiError(admin.auth.verifyToken(t2))).body).toMatchObject(appUserNotFound);

    const t3 = await admin.auth.createToken(email);
    expect((await admin.auth.verifyToken(t3)).id).toBe(userId);
    await admin.auth.signOut(email);
    expect((await apiError(admin.auth.verifyToken(t3))).body).toMatchObject(appUserNotFound);
    // The user itself remains.
    expect(await admin.auth.getUser({ id: userId })).toMatchObject({ id: userId, email });
  });

  it("deletes users by email, id and refresh token; a client's $users query sees them go", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const emails = [uniqueEmail("del-email"), uniqueEmail("del-id"), uniqueEmail("del-token")];
    const tokens: string[] = [];
    for (const e of emails) tokens.push(await admin.auth.createToken(e));
    const ids: string[] = [];
    for (const t of tokens) ids.push((await admin.auth.verifyToken(t)).id);

    // An admin-token client: it sees every $users row whatever the app's view rule.
    const client = open(app.id, { adminToken: app.adminToken });
    const users = record(client, { $users: {} });
    const has = (userId: string) => (r: { data?: { $users?: { id: string }[] } }) => r.data?.$users?.some((u) => u.id === userId) === true;
    await users.until((r) => ids.every((u) => has(u)(r)), "all three users");

    const deleted = await admin.auth.deleteUser({ email: emails[0]! });
    expect(deleted).toMatchObject({ id: ids[0], email: emails[0] });
    expect(await admin.auth.getUser({ email: emails[0]! })).toBeNull();
    expect((await apiError(admin.auth.verifyToken(tokens[0]!))).body).toMatchObject(appUserNotFound);
    await users.until((r) => !has(ids[0]!)(r) && has(ids[1]!)(r), "the first user gone, live");
    // Nothing left to delete: null, as the SDK documents.
    expect(await admin.auth.deleteUser({ email: emails[0]! })).toBeNull();

    expect(await admin.auth.deleteUser({ id: ids[1]! })).toMatchObject({ id: ids[1], email: emails[1] });
    expect(await admin.auth.getUser({ id: ids[1]! })).toBeNull();
    expect(await admin.auth.deleteUser({ refresh_token: tokens[2]! })).toMatchObject({ id: ids[2], email: emails[2] });
    expect(await admin.auth.getUser({ email: emails[2]! })).toBeNull();
    await users.until((r) => !ids.some((u) => has(u)(r)), "all three users gone, live");
  });
});

describe("auth: magic codes", () => {
  it("generates and checks codes (created, then not), sends one by email and verifies it", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const email = uniqueEmail("admin-code");

    const { code } = await admin.auth.generateMagicCode(email);
    expect(code).toMatch(/^\d{6}$/);
    // generateMagicCode is for backends that send the code themselves: no email.
    expect(await outboxFor(outbox, email)).toEqual([]);

    const first = await admin.auth.checkMagicCode(email, code);
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ email });
    const userId = first.user.id;
    // A used code is gone.
    const reused = await apiError(admin.auth.checkMagicCode(email, code));
    expect(reused.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-user-magic-code" } });

    const second = await admin.auth.checkMagicCode(email, (await admin.auth.generateMagicCode(email)).code);
    expect(second.created).toBe(false);
    expect(second.user).toMatchObject({ id: userId, email });

    const sent = await admin.auth.sendMagicCode(email);
    expect(sent.code).toMatch(/^\d{6}$/);
    const mail = await waitForMagicCode(outbox, email);
    expect(mail.code).toBe(sent.code);
    const verified = await admin.auth.verifyMagicCode(email, sent.code);
    expect(verified).toMatchObject({ id: userId, email });
    expect(typeof verified.refresh_token).toBe("string");
    expect((await admin.auth.verifyToken(verified.refresh_token)).id).toBe(userId);
  });
});

describe("errors", () => {
  it("a wrong admin token is record-not-found app-admin-token", async () => {
    const app = await createApp(url);
    const wrong = initAdmin({ appId: app.id, adminToken: id(), apiURI: url });
    for (const call of [() => wrong.query({ todos: {} }), () => wrong.transact(wrong.tx.todos![id()]!.update({ t: 1 })), () => wrong.auth.getUser({ email: "x@y.z" })]) {
      const err = await apiError(call());
      expect(err.status).toBe(400);
      expect(err.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-admin-token" } });
    }
  });

  it("a missing admin token: the SDK refuses, and the server says param-missing", async () => {
    const app = await createApp(url);
    await expect(async () => tokenlessAdmin(app).auth.getUser({ email: "x@y.z" })).rejects.toThrow(/Admin token required/);
    await expect(async () => tokenlessAdmin(app).query({ todos: {} })).rejects.toThrow(/Admin token required/);

    const res = await fetch(`${url}/admin/users?app_id=${app.id}&email=x%40y.z`, { headers: { "app-id": app.id } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "param-missing", hint: { in: ["headers", "authorization"] } });
  });

  it("debugQuery and debugTransact report the rule checks and write nothing by default", async () => {
    const app = await createApp(url, { rules: { code: { todos: { allow: { view: "true", create: "auth.id != null" } } } } });
    const guest = adminFor(app).asUser({ guest: true });
    const q = await guest.debugQuery({ todos: {} });
    expect(q).toMatchObject({ result: { todos: [] } });
    expect(Array.isArray(q.checkResults)).toBe(true);
    const t = (await guest.debugTransact(guest.tx.todos![id()]!.update({ t: 1 }))) as Record<string, unknown>;
    expect(t).toMatchObject({ "all-checks-ok?": false, "committed?": false });
    expect((await adminFor(app).query({ todos: {} })).todos).toEqual([]);
  });

  it("unsupported routes answer 501 saying so, never a bare 404", async () => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const calls: [string, () => Promise<unknown>][] = [
      ["storage.list", () => admin.storage.list()],
      ["storage.getDownloadUrl", () => admin.storage.getDownloadUrl("a.png")],
      ["storage.delete", () => admin.storage.delete("a.png")],
      ["storage.deleteMany", () => admin.storage.deleteMany(["a.png"])],
      ["storage.uploadFile", () => admin.storage.uploadFile("a.txt", Buffer.from("hi"), { contentType: "text/plain" })],
    ];
    for (const [name, call] of calls) {
      const err = await apiError(call());
      expect({ name, status: err.status }).toEqual({ name, status: 501 });
      expect(err.message).toMatch(/not supported/);
    }
  });
});

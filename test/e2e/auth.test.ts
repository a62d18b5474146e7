/**
 * Sign-in with the real @instantdb/core client: magic codes delivered through the fake
 * email provider (fake-email.ts), guests and their upgrade, admin-made tokens, a client
 * restarted on its stored refresh token, a revoked token that signs the client out
 * without a reconnect loop, and `extraFields` on sign-up against the `$users` create rule.
 * The sockets the client opens are recorded (socket-spy.ts) to check what `init` carried
 * and what `init-ok` answered.
 */
import { init as initAdmin } from "@instantdb/admin";
import { i, id, InstantAPIError } from "@instantdb/core";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { FAKE_EMAIL_FROM, outboxFor, waitForMagicCode } from "./fake-email";
import { type ClientOptions, connectClient, createApp, type CreatedApp, type Db, deviceStorage, record } from "./instant-client";
import { describeSockets, receivedOps, sentOps, type SocketSpy, spyOnSockets } from "./socket-spy";

const url = inject("gatewayUrl");
const outbox = inject("emailOutboxUrl");

const clients: Db[] = [];
let spy: SocketSpy;
beforeEach(() => {
  spy = spyOnSockets();
});
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
  spy.restore();
});
const open = (appId: string, opts?: ClientOptions) => {
  const db = connectClient(url, appId, opts);
  clients.push(db);
  return db;
};
const adminFor = (app: CreatedApp) => initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url });

// The outbox is shared by the whole run: every test uses addresses of its own.
let emailCounter = 0;
const uniqueEmail = (tag: string) => `${tag}-${process.pid}-${Date.now().toString(36)}-${++emailCounter}@example.com`;

/** Asks the server to email a code (through the client), and reads it from the outbox. */
async function emailedCode(db: Db, email: string): Promise<string> {
  const before = (await outboxFor(outbox, email)).length;
  await db.auth.sendMagicCode({ email });
  return (await waitForMagicCode(outbox, email, { after: before })).code;
}

async function verifyRefreshToken(appId: string, token: string) {
  const res = await fetch(`${url}/runtime/auth/verify_refresh_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ "app-id": appId, "refresh-token": token }),
  });
  // biome-ignore lint: the reply is checked by the caller.
  return { status: res.status, body: (await res.json()) as any };
}

// biome-ignore lint: the SDK's auth state, as subscribeAuth hands it over.
type AuthState = { isLoading?: boolean; error?: unknown; user?: any };

function authStates(db: Db) {
  const states: AuthState[] = [];
  db.subscribeAuth((s: AuthState) => states.push(s));
  return {
    states,
    until: (predicate: (s: AuthState) => boolean, what: string) =>
      waitFor(() => {
        const last = states.at(-1);
        return last && predicate(last) ? last : undefined;
      }, { what }),
  };
}

/**
 * The newest `init-ok` whose `auth.user` satisfies `predicate`, received by the app's
 * sockets opened from the `fromSocket`-th on (default: all of them).
 */
// biome-ignore lint: init-ok's auth.user is the server's user object or null.
const initOkWhere = (appId: string, predicate: (user: any) => boolean, what: string, fromSocket = 0) =>
  waitFor(() => receivedOps(spy.forApp(appId).slice(fromSocket), "init-ok").findLast((m) => predicate(m.auth?.user ?? null)), { what }).catch(
    (err: Error) => {
      throw new Error(`${err.message}; the app's sockets: ${describeSockets(spy.forApp(appId))}`);
    },
  );

describe("magic codes", () => {
  it("signs in with an emailed code, sees itself in $users, and signs out for good", async () => {
    const app = await createApp(url);
    const db = open(app.id);
    const auth = authStates(db);
    await auth.until((s) => s.isLoading === false && s.user == null, "the signed-out initial state");

    // Mixed case on the way in: the server trims and lower-cases emails.
    const email = uniqueEmail("ada");
    const before = (await outboxFor(outbox, email)).length;
    await expect(db.auth.sendMagicCode({ email: `  ${email.toUpperCase()} ` })).resolves.toEqual({ sent: true });
    const { code, message } = await waitForMagicCode(outbox, email, { after: before });
    expect(message).toMatchObject({ from: FAKE_EMAIL_FROM, to: [email] });
    expect(message.subject).toContain(code);

    const res = await db.auth.signInWithMagicCode({ email, code });
    expect(res.created).toBe(true);
    expect(res.user).toMatchObject({ email, type: "user", isGuest: false, app_id: app.id });
    const userId: string = res.user.id;
    const token: string = res.user.refresh_token;
    expect(typeof token).toBe("string");

    expect(await db.getAuth()).toMatchObject({ id: userId, email, refresh_token: token });
    await auth.until((s) => s.user?.id === userId && s.user?.email === email, "subscribeAuth to report the user");

    // The client reconnects with the token and the server knows who it is.
    const ok = await initOkWhere(app.id, (u) => u?.id === userId, "an init-ok for the signed-in user");
    expect(ok.auth.user).toMatchObject({ id: userId, email });
    expect(sentOps(spy.forApp(app.id), "init").at(-1)["refresh-token"]).toBe(token);

    // Permissions are not enforced yet, so $users may list others: the user must be there.
    const users = record(db, { $users: {} });
    const seen = await users.until(
      (r) => r.data?.$users?.some((u: { id: string }) => u.id === userId) === true,
      "the signed-in user's $users row",
    );
    expect(seen.data.$users.find((u: { id: string }) => u.id === userId)).toMatchObject({ email });
    expect((await db.getAuth())?.id).toBe(userId);

    // The code worked once; it does not work again.
    const reuse = await fetch(`${url}/runtime/auth/verify_magic_code`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ "app-id": app.id, email, code }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-user-magic-code" } });

    expect((await verifyRefreshToken(app.id, token)).body.user).toMatchObject({ id: userId, email, refresh_token: token });
    const socketsBeforeSignOut = spy.forApp(app.id).length;
    await db.auth.signOut();
    expect(await db.getAuth()).toBeNull();
    await auth.until((s) => s.user === null, "subscribeAuth to report the sign-out");
    // The SDK revokes the token without awaiting the server: wait for the revocation.
    const revoked = await waitFor(
      async () => {
        const r = await verifyRefreshToken(app.id, token);
        return r.status === 200 ? undefined : r;
      },
      { what: "the signed-out refresh token to stop working" },
    );
    expect(revoked.status).toBe(400);
    expect(revoked.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-user" } });

    // Signed out, the client reconnects anonymously and keeps working.
    await initOkWhere(app.id, (u) => u === null, "an anonymous init-ok after sign-out", socketsBeforeSignOut);
    expect(sentOps(spy.forApp(app.id).slice(socketsBeforeSignOut), "init").map((m) => m["refresh-token"])).toEqual([undefined]);
    await users.until((r) => Array.isArray(r.data?.$users), "the $users query answered again");
  });

  it("a guest signs in, then upgrades in place with a new email", async () => {
    const app = await createApp(url);
    const db = open(app.id);

    const guest = await db.auth.signInAsGuest();
    expect(guest.user).toMatchObject({ type: "guest", isGuest: true });
    expect(guest.user.email).toBeUndefined();
    const guestId: string = guest.user.id;
    expect(await db.getAuth()).toMatchObject({ id: guestId, isGuest: true, type: "guest" });
    await initOkWhere(app.id, (u) => u?.id === guestId, "an init-ok for the guest");

    const email = uniqueEmail("grace");
    const code = await emailedCode(db, email);
    const res = await db.auth.signInWithMagicCode({ email, code });
    // The SDK sent the guest's token along, so the guest became this user.
    expect(res.created).toBe(true);
    expect(res.user).toMatchObject({ id: guestId, email, type: "user", isGuest: false });
    expect(await db.getAuth()).toMatchObject({ id: guestId, email, type: "user", isGuest: false });

    await initOkWhere(app.id, (u) => u?.id === guestId && u?.email === email, "an init-ok for the upgraded user");
    const users = record(db, { $users: {} });
    const seen = await users.until(
      (r) => r.data?.$users?.some((u: { id: string; email?: string }) => u.id === guestId && u.email === email) === true,
      "the upgraded $users row",
    );
    expect(seen.data.$users.filter((u: { id: string }) => u.id === guestId)).toHaveLength(1);
  });

  it("signs in with a token made by the admin SDK", async () => {
    const app = await createApp(url);
    const email = uniqueEmail("token");
    const token = await adminFor(app).auth.createToken(email);
    const db = open(app.id);

    const res = await db.auth.signInWithToken(token);
    expect(res.user).toMatchObject({ email, refresh_token: token });
    const userId: string = res.user.id;
    expect(await db.getAuth()).toMatchObject({ id: userId, email, refresh_token: token });
    await initOkWhere(app.id, (u) => u?.id === userId, "an init-ok for the token's user");
    expect(sentOps(spy.forApp(app.id), "init").at(-1)["refresh-token"]).toBe(token);
  });
});

describe("stored refresh tokens", () => {
  it("a restarted client comes up signed in as the same user", async () => {
    const app = await createApp(url);
    const storage = deviceStorage();
    const first = open(app.id, { storage });
    const email = uniqueEmail("restart");
    const signedIn = await first.auth.signInWithMagicCode({ email, code: await emailedCode(first, email) });
    const userId: string = signedIn.user.id;
    const token: string = signedIn.user.refresh_token;
    await initOkWhere(app.id, (u) => u?.id === userId, "the first client's authenticated init-ok");
    first.shutdown();

    const opened = spy.forApp(app.id).length;
    const second = open(app.id, { storage });
    expect(await second.getAuth()).toMatchObject({ id: userId, email, refresh_token: token });
    const view = record(second, { $users: {} });
    await view.until((r) => r.data?.$users?.some((u: { id: string }) => u.id === userId) === true, "the user's row on the restarted client");

    const secondSockets = spy.forApp(app.id).slice(opened);
    expect(sentOps(secondSockets, "init").map((m) => m["refresh-token"])).toEqual([token]);
    expect(receivedOps(secondSockets, "init-ok").map((m) => m.auth.user?.id)).toEqual([userId]);
    expect(receivedOps(secondSockets, "error")).toEqual([]);
    expect((await second.getAuth())?.id).toBe(userId);
  });

  const revocations = [
    ["signed out by the admin SDK", (admin: ReturnType<typeof adminFor>, email: string) => admin.auth.signOut(email)],
    ["deleted by the admin SDK", (admin: ReturnType<typeof adminFor>, email: string) => admin.auth.deleteUser({ email })],
  ] as const;

  it.each(revocations)("a client whose stored user was %s ends signed out, without a reconnect loop", async (_how, revoke) => {
    const app = await createApp(url);
    const admin = adminFor(app);
    const storage = deviceStorage();
    const email = uniqueEmail("revoked");
    const token = await admin.auth.createToken(email);
    const first = open(app.id, { storage });
    const userId: string = (await first.auth.signInWithToken(token)).user.id;
    await initOkWhere(app.id, (u) => u?.id === userId, "the first client's authenticated init-ok");

    await revoke(admin, email);
    expect((await verifyRefreshToken(app.id, token)).status).toBe(400);
    first.shutdown();

    // The same device starts again, with the revoked token in its storage.
    const opened = spy.forApp(app.id).length;
    const second = open(app.id, { storage });
    const statuses: string[] = [];
    second.subscribeConnectionStatus((s: string) => statuses.push(s));
    await waitFor(async () => (await second.getAuth()) === null, { what: "the restarted client to sign out" });

    // Connected anonymously: a live query works and sees an admin write.
    const todos = record(second, { todos: {} });
    await todos.until((r) => Array.isArray(r.data?.todos), "the anonymous client's first result");
    await admin.transact(admin.tx.todos![id()]!.update({ title: "after revocation" }));
    await todos.until((r) => r.data?.todos?.[0]?.title === "after revocation", "the admin write, live");
    expect(statuses.at(-1)).toBe("authenticated");

    // Exactly one failed init with the stored token, then one anonymous init on a second
    // socket, which is still the open one: no loop.
    const sockets = spy.forApp(app.id).slice(opened);
    expect(sockets).toHaveLength(2);
    expect(sockets.map((s) => sentOps([s], "init").length)).toEqual([1, 1]);
    expect(sentOps(sockets, "init").map((m) => m["refresh-token"])).toEqual([token, undefined]);
    expect(receivedOps([sockets[0]!], "error")).toEqual([
      expect.objectContaining({ type: "record-not-found", hint: expect.objectContaining({ "record-type": "app-user" }) }),
    ]);
    expect(receivedOps([sockets[1]!], "init-ok").map((m) => m.auth.user)).toEqual([null]);
    expect(sockets[1]!.socket.readyState).toBe(WebSocket.OPEN);
    expect(await second.getAuth()).toBeNull();
  });
});

describe("extraFields on sign-up", () => {
  const schema = i.schema({
    entities: {
      $users: i.entity({ email: i.string().unique().indexed().optional(), nickname: i.string().optional() }),
    },
    links: {},
    rooms: {},
  });

  it("with a $users create rule: set on sign-up, ignored on a later sign-in", async () => {
    const app = await createApp(url, { schema, rules: { code: { $users: { allow: { create: "true" } } } } });
    const db = open(app.id, { schema });
    const email = uniqueEmail("nick");

    const first = await db.auth.signInWithMagicCode({ email, code: await emailedCode(db, email), extraFields: { nickname: "ada" } });
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ email, nickname: "ada" });
    const userId: string = first.user.id;
    const users = record(db, { $users: {} });
    await users.until(
      (r) => r.data?.$users?.some((u: { id: string; nickname?: string }) => u.id === userId && u.nickname === "ada") === true,
      "the nickname in $users",
    );

    await db.auth.signOut();
    const again = await db.auth.signInWithMagicCode({ email, code: await emailedCode(db, email), extraFields: { nickname: "bob" } });
    expect(again.created).toBe(false);
    expect(again.user).toMatchObject({ id: userId, email, nickname: "ada" });
    expect(await adminFor(app).auth.getUser({ email })).toMatchObject({ id: userId, nickname: "ada" });
  });

  it("without a create rule: a sign-up carrying extra fields is refused, a plain one is not", async () => {
    const app = await createApp(url, { schema });
    const db = open(app.id, { schema });
    const email = uniqueEmail("norule");

    const refused = db.auth.signInWithMagicCode({ email, code: await emailedCode(db, email), extraFields: { nickname: "ada" } });
    await expect(refused).rejects.toBeInstanceOf(InstantAPIError);
    const err = (await refused.catch((e: unknown) => e)) as InstantAPIError;
    expect(err.status).toBe(400);
    expect(err.body).toMatchObject({ type: "permission-denied" });
    expect(await db.getAuth()).toBeNull();
    expect(await adminFor(app).auth.getUser({ email })).toBeNull();

    const plain = await db.auth.signInWithMagicCode({ email, code: await emailedCode(db, email) });
    expect(plain.created).toBe(true);
    expect(plain.user.email).toBe(email);
    expect(plain.user).not.toHaveProperty("nickname");
  });
});

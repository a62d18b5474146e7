/**
 * Rules enforced on writes (docs/protocol.md §9.4) with the real SDKs: a signed-in
 * @instantdb/core client and @instantdb/admin (plain, and impersonating with `asUser`).
 * Refused transactions write nothing, read back with the admin SDK.
 */
import { i, id, init as initAdmin } from "@instantdb/admin";
import { afterEach, describe, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { connectClient, createApp, type CreatedApp, type Db, deviceStorage } from "./instant-client";

const url = inject("gatewayUrl");

const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});
const open = (appId: string, opts?: Parameters<typeof connectClient>[2]) => {
  const db = connectClient(url, appId, opts);
  clients.push(db);
  return db;
};
/** A client whose socket is up (a transaction sent earlier only gets "enqueued"). */
async function connected(appId: string, opts?: Parameters<typeof connectClient>[2]): Promise<Db> {
  const db = open(appId, opts);
  let status = "";
  db.subscribeConnectionStatus((s: string) => {
    status = s;
  });
  await waitFor(() => status === "authenticated", { what: "the client's socket to be authenticated" });
  return db;
}
/** The admin SDK without a schema (schemaless writes). */
const adminFor = (app: CreatedApp) => initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url });

let emailCounter = 0;
const uniqueEmail = (tag: string) => `${tag}-${process.pid}-${Date.now().toString(36)}-${++emailCounter}@example.com`;

const schema = i.schema({
  entities: { todos: i.entity({ title: i.string(), creatorId: i.string() }) },
  links: {},
  rooms: {},
});
const RULES = { todos: { allow: { create: "auth.id == data.creatorId", update: "auth.id == data.creatorId", delete: "auth.id == data.creatorId" } } };

/** What a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ type?: string; message?: string; hint?: unknown; status?: number }> {
  const err = (await p.then(
    (v) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  )) as { body?: { type?: string; message?: string; hint?: unknown }; status?: number; message?: string; hint?: unknown };
  // The admin SDK rejects with an InstantAPIError (the HTTP body); the core client, for an
  // error frame on its socket, with an InstantError carrying the message and hint.
  return err.body ? { ...err.body, status: err.status } : { message: err.message, hint: err.hint };
}

/** Instant's refusal (the core client does not pass the error's type on). */
const denied = (etype: string, scope = "object") => ({
  message: "Permission denied: not perms-pass?",
  hint: { input: [etype, scope], expected: "perms-pass?" },
});

/**
 * A core client connected as a signed-in user, and the user's id: one client signs in
 * with a token from the admin SDK and stores it; a second one starts with it.
 */
async function signedIn(app: CreatedApp, tag: string) {
  const email = uniqueEmail(tag);
  const token = await adminFor(app).auth.createToken(email);
  const storage = deviceStorage();
  const first = open(app.id, { schema, storage });
  const userId: string = (await first.auth.signInWithToken(token)).user.id;
  first.shutdown();
  const db = await connected(app.id, { schema, storage });
  expect((await db.getAuth())?.id).toBe(userId);
  return { db, userId, email };
}

describe("write rules through the client", () => {
  it("refuses a create forged on behalf of someone else, and writes nothing", async () => {
    const app = await createApp(url, { schema, rules: { code: RULES } });
    const admin = adminFor(app);
    const { db, userId } = await signedIn(app, "forge");

    const forged = id();
    const err = await rejection(db.transact([db.tx.todos![forged]!.update({ title: "forged", creatorId: id() })]));
    expect(err).toMatchObject(denied("todos"));
    // One denied entity refuses the whole transaction.
    const mixed = await rejection(
      db.transact([db.tx.todos![id()]!.update({ title: "mine", creatorId: userId }), db.tx.todos![id()]!.update({ title: "theirs", creatorId: id() })]),
    );
    expect(mixed).toMatchObject(denied("todos"));
    expect((await admin.query({ todos: {} })).todos).toEqual([]);

    const mine = id();
    await db.transact(db.tx.todos![mine]!.update({ title: "mine", creatorId: userId }));
    expect((await admin.query({ todos: {} })).todos).toEqual([{ id: mine, title: "mine", creatorId: userId }]);
  });

  it("applies the delete rule", async () => {
    const app = await createApp(url, { schema, rules: { code: RULES } });
    const admin = adminFor(app);
    const { db, userId } = await signedIn(app, "delete");
    const [theirs, mine] = [id(), id()];
    await admin.transact([
      admin.tx.todos![theirs]!.update({ title: "theirs", creatorId: id() }),
      admin.tx.todos![mine]!.update({ title: "mine", creatorId: userId }),
    ]);

    expect(await rejection(db.transact(db.tx.todos![theirs]!.delete()))).toMatchObject(denied("todos"));
    await db.transact(db.tx.todos![mine]!.delete());
    expect((await admin.query({ todos: {} })).todos.map((t) => t.id)).toEqual([theirs]);
  });

  it('attrs.allow.create "false" stops schemaless writes', async () => {
    const app = await createApp(url, { rules: { code: { attrs: { allow: { create: "false" } } } } });
    const admin = adminFor(app);
    const db = await connected(app.id);
    const err = await rejection(db.transact(db.tx.notes![id()]!.update({ text: "new attr" })));
    expect(err).toMatchObject(denied("attrs", "attr"));
    expect((await admin.query({ notes: {} })).notes ?? []).toEqual([]);
    // The admin is not bound by it.
    await admin.transact(admin.tx.notes![id()]!.update({ text: "by admin" }));
    expect((await admin.query({ notes: {} })).notes).toHaveLength(1);
  });
});

describe("write rules through the admin SDK", () => {
  it("asUser applies the rules, the plain admin bypasses them", async () => {
    const app = await createApp(url, { schema, rules: { code: RULES } });
    const admin = adminFor(app);
    const email = uniqueEmail("as-user");
    await admin.auth.createToken(email);
    const asUser = admin.asUser({ email });
    const someoneElse = id();

    const err = await rejection(asUser.transact(asUser.tx.todos![id()]!.update({ title: "forged", creatorId: someoneElse })));
    expect(err).toMatchObject({ ...denied("todos"), type: "permission-denied", status: 400 });
    expect((await admin.query({ todos: {} })).todos).toEqual([]);

    const user = await admin.auth.getUser({ email });
    await asUser.transact(asUser.tx.todos![id()]!.update({ title: "own", creatorId: user!.id }));
    await admin.transact(admin.tx.todos![id()]!.update({ title: "by admin", creatorId: someoneElse }));
    const titles = (await admin.query({ todos: {} })).todos.map((t) => String(t.title)).sort();
    expect(titles).toEqual(["by admin", "own"]);
  });
});

/**
 * Permission rules on reads with the real @instantdb/core client against `wrangler dev`:
 * each signed-in user sees only the todos the view rule lets them see, a signed-out
 * client sees none, a field rule hides one field, a link made later through a
 * `data.ref` path shows the todo live, and a `$rooms` join rule refuses a signed-out
 * client (the SDK reports the room's error). Writes go through the admin SDK.
 */
import { init as initAdmin } from "@instantdb/admin";
import { i, id } from "@instantdb/core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { connectClient, createApp, type Db, type QueryResponse, record } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});

const schema = i.schema({
  entities: {
    $users: i.entity({ email: i.string().unique().indexed() }),
    todos: i.entity({ title: i.string(), secret: i.string().optional() }),
    projects: i.entity({ name: i.string() }),
  },
  links: {
    todoOwner: { forward: { on: "todos", has: "one", label: "owner" }, reverse: { on: "$users", has: "many", label: "todos" } },
    todoProject: { forward: { on: "todos", has: "one", label: "project" }, reverse: { on: "projects", has: "many", label: "todos" } },
    projectMembers: { forward: { on: "projects", has: "many", label: "members" }, reverse: { on: "$users", has: "many", label: "projects" } },
  },
  rooms: {},
});

const RULES = {
  todos: {
    allow: { view: "auth.id in data.ref('owner.id') || auth.id in data.ref('project.members.id')" },
    fields: { secret: "auth.id in data.ref('owner.id')" },
  },
};

let emailCounter = 0;
const uniqueEmail = (tag: string) => `${tag}-${process.pid}-${Date.now().toString(36)}-${++emailCounter}@example.com`;

async function setup(rules: unknown = RULES) {
  const app = await createApp(url, { schema, rules: { code: rules } });
  const admin = initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url });
  const open = () => {
    const db = connectClient(url, app.id, { schema });
    clients.push(db);
    return db;
  };
  /** A client signed in as a new user (token from the admin SDK). */
  const signedIn = async (tag: string) => {
    const db = open();
    const token = await admin.auth.createToken(uniqueEmail(tag));
    const userId: string = (await db.auth.signInWithToken(token)).user.id;
    return { db, userId };
  };
  return { app, admin, open, signedIn };
}

type Todo = { id: string; title: string; secret?: string };
const titles = (r: QueryResponse) => (r.data?.todos as Todo[] | undefined)?.map((t) => t.title).sort();
const loaded = (r: QueryResponse) => r.data !== undefined && !r.error;

describe("view rules", () => {
  it("each user sees only their own todos, live; a signed-out client sees none", async () => {
    const { admin, open, signedIn } = await setup();
    const ann = await signedIn("ann");
    const bob = await signedIn("bob");
    await admin.transact([
      admin.tx.todos![id()]!.update({ title: "ann-1", secret: "a" }).link({ owner: ann.userId }),
      admin.tx.todos![id()]!.update({ title: "bob-1", secret: "b" }).link({ owner: bob.userId }),
      admin.tx.todos![id()]!.update({ title: "nobody" }),
    ]);
    const annSees = record(ann.db, { todos: {} });
    const bobSees = record(bob.db, { todos: {} });
    const anon = record(open(), { todos: {} });
    await annSees.until((r) => JSON.stringify(titles(r)) === JSON.stringify(["ann-1"]), "ann sees only her todo");
    await bobSees.until((r) => JSON.stringify(titles(r)) === JSON.stringify(["bob-1"]), "bob sees only his todo");
    await anon.until((r) => loaded(r) && JSON.stringify(titles(r)) === "[]", "signed out sees no todo");

    await admin.transact(admin.tx.todos![id()]!.update({ title: "ann-2" }).link({ owner: ann.userId }));
    await annSees.until((r) => JSON.stringify(titles(r)) === JSON.stringify(["ann-1", "ann-2"]), "ann sees her new todo");
    expect(titles(bobSees.latest()!)).toEqual(["bob-1"]);
    expect(titles(anon.latest()!)).toEqual([]);
  });

  it("a field rule hides one field from a reader who may see the todo", async () => {
    const { admin, signedIn } = await setup();
    const ann = await signedIn("ann");
    const bob = await signedIn("bob");
    const project = id();
    const todo = id();
    await admin.transact([
      admin.tx.projects![project]!.update({ name: "p" }).link({ members: [ann.userId, bob.userId] }),
      admin.tx.todos![todo]!.update({ title: "shared", secret: "s3cret" }).link({ owner: ann.userId, project }),
    ]);
    const annSees = await record(ann.db, { todos: {} }).until((r) => titles(r)?.length === 1, "ann sees the todo");
    expect(annSees.data.todos[0]).toMatchObject({ title: "shared", secret: "s3cret" });
    const bobSees = await record(bob.db, { todos: {} }).until((r) => titles(r)?.length === 1, "bob sees the todo");
    expect(bobSees.data.todos[0].title).toBe("shared");
    expect(bobSees.data.todos[0].secret).toBeUndefined();
  });

  it("a link made later through a data.ref path shows the todo live, and unlinking hides it", async () => {
    const { admin, signedIn } = await setup();
    const bob = await signedIn("bob");
    const project = id();
    await admin.transact([admin.tx.projects![project]!.update({ name: "p" }), admin.tx.todos![id()]!.update({ title: "in p" }).link({ project })]);
    const bobSees = record(bob.db, { todos: {} });
    await bobSees.until((r) => loaded(r) && JSON.stringify(titles(r)) === "[]", "bob sees nothing yet");
    await admin.transact(admin.tx.projects![project]!.link({ members: bob.userId }));
    await bobSees.until((r) => JSON.stringify(titles(r)) === JSON.stringify(["in p"]), "bob sees the todo once he is a member");
    await admin.transact(admin.tx.projects![project]!.unlink({ members: bob.userId }));
    await bobSees.until((r) => loaded(r) && JSON.stringify(titles(r)) === "[]", "bob no longer sees it");
  });
});

describe("room rules", () => {
  // biome-ignore lint: presence slices are free-form here.
  type Slice = { isLoading: boolean; error?: any; peers: Record<string, any> };
  const presence = (db: Db, roomId: string) => {
    const room = db.joinRoom("chat", roomId, { initialPresence: { name: "x" } }) as unknown as {
      subscribePresence(opts: object, cb: (s: Slice) => void): () => void;
    };
    let latest: Slice | undefined;
    room.subscribePresence({}, (s) => (latest = s));
    return () => latest;
  };

  it("a $rooms join rule refuses a signed-out client, which sees the room errored; a signed-in one joins", async () => {
    const { open, signedIn } = await setup({ $rooms: { chat: { allow: { join: "auth.id != null" } } } });
    const roomId = `room-${crypto.randomUUID()}`;
    const ann = await signedIn("ann");
    const annRoom = presence(ann.db, roomId);
    const anonRoom = presence(open(), roomId);
    const refused = await waitFor(() => anonRoom()?.error, { what: "the signed-out client's room error" });
    expect(refused).toMatchObject({ type: "permission-denied", hint: { input: ["$rooms", "chat", "join"] } });
    await waitFor(() => (annRoom()?.isLoading === false && !annRoom()?.error ? true : undefined), { what: "ann joined" });
    // Ann never sees the refused client as a peer.
    expect(Object.keys(annRoom()!.peers)).toEqual([]);
  });
});

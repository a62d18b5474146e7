/**
 * The test that matters most: two real @instantdb/core clients on one app, one writes,
 * the other's live query sees every kind of change through the gateway.
 */
import { id, lookup } from "@instantdb/core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { connectClient, createApp, type Db, record } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
const open = (appId: string, opts?: Parameters<typeof connectClient>[2]) => {
  const db = connectClient(url, appId, opts);
  clients.push(db);
  return db;
};
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});

describe("live queries across two clients", () => {
  it("A sees B's create, update, merge, link, unlink and delete", async () => {
    const app = await createApp(url);
    const a = open(app.id);
    const b = open(app.id);
    const todos = record(a, { todos: { owner: {} } });
    await todos.until((r) => Array.isArray(r.data?.todos) && r.data.todos.length === 0, "an empty todos list");

    const t = id();
    await b.transact(b.tx.todos![t]!.create({ title: "Buy milk", done: false }));
    await todos.until((r) => r.data?.todos?.[0]?.title === "Buy milk", "the created todo");

    await b.transact(b.tx.todos![t]!.update({ done: true }));
    await todos.until((r) => r.data?.todos?.[0]?.done === true, "the updated todo");

    await b.transact(b.tx.todos![t]!.merge({ meta: { tags: ["home"], n: 1 } }));
    await b.transact(b.tx.todos![t]!.merge({ meta: { n: 2 } }));
    await todos.until(
      (r) => JSON.stringify(r.data?.todos?.[0]?.meta) === JSON.stringify({ tags: ["home"], n: 2 }),
      "the deep-merged meta",
    );

    const o = id();
    await b.transact([b.tx.owner![o]!.update({ name: "Ada" }), b.tx.todos![t]!.link({ owner: o })]);
    await todos.until((r) => r.data?.todos?.[0]?.owner?.[0]?.name === "Ada", "the linked owner");

    // The reverse direction of the same link, from a fresh query.
    const owners = record(a, { owner: { todos: {} } });
    await owners.until((r) => r.data?.owner?.[0]?.todos?.[0]?.id === t, "the owner's todos");

    await b.transact(b.tx.todos![t]!.unlink({ owner: o }));
    await todos.until((r) => r.data?.todos?.[0]?.owner?.length === 0, "the unlinked todo");

    await b.transact(b.tx.todos![t]!.delete());
    await todos.until((r) => r.data?.todos?.length === 0, "the deleted todo gone");
    await owners.until((r) => r.data?.owner?.[0]?.todos?.length === 0, "the owner without todos");
  });

  it("filters with where on fields and through links, and both clients agree", async () => {
    const app = await createApp(url);
    const a = open(app.id);
    const b = open(app.id);
    const q = { todos: { $: { where: { "owner.name": "Ada", done: false } } } };
    const fromA = record(a, q);
    await fromA.until((r) => r.data?.todos?.length === 0, "no matching todos yet");
    const [ada, bob] = [id(), id()];
    const [t1, t2, t3] = [id(), id(), id()];
    await b.transact([
      b.tx.owner![ada]!.update({ name: "Ada" }),
      b.tx.owner![bob]!.update({ name: "Bob" }),
      b.tx.todos![t1]!.update({ title: "one", done: false }).link({ owner: ada }),
      b.tx.todos![t2]!.update({ title: "two", done: true }).link({ owner: ada }),
      b.tx.todos![t3]!.update({ title: "three", done: false }).link({ owner: bob }),
    ]);
    const seen = await fromA.until((r) => r.data?.todos?.length === 1, "exactly the one matching todo");
    expect(seen.data.todos[0].title).toBe("one");
    const fromB = record(b, q);
    await fromB.until((r) => r.data?.todos?.length === 1 && r.data.todos[0].id === t1, "B's own view");
  });
});

describe("transaction errors", () => {
  it("a unique violation rejects on the client with the server's error and writes nothing", async () => {
    const app = await createApp(url);
    const a = open(app.id);
    const users = record(a, { users: {} });
    await users.until((r) => r.data?.users?.length === 0, "no users");
    // A lookup makes the client create users.email as a unique attr.
    await a.transact(a.tx.users![lookup("email", "ada@example.com")]!.update({ name: "Ada" }));
    await users.until((r) => r.data?.users?.length === 1, "one user");

    const intruder = id();
    const failed = a.transact([
      a.tx.users![intruder]!.update({ name: "Mallory" }),
      a.tx.users![intruder]!.update({ email: "ada@example.com" }),
    ]);
    await expect(failed).rejects.toThrow(/unique/i);
    // The rejected transaction's optimistic user disappears, and nothing was written.
    await users.until((r) => r.data?.users?.length === 1 && r.data.users[0].name === "Ada", "only Ada");
    const check = open(app.id);
    const fresh = record(check, { users: {} });
    const r = await fresh.until((x) => Array.isArray(x.data?.users), "a fresh read");
    expect(r.data.users.map((u: { name: string }) => u.name)).toEqual(["Ada"]);
  });
});

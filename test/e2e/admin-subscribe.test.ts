/**
 * `db.subscribeQuery` of the real @instantdb/admin: an event stream opened with
 * `POST /admin/subscribe-query`, authenticated by the admin headers, that delivers the
 * query's result as a tree (docs/protocol.md §13.3, §13.4): first the current result,
 * then a new one after each write that changes it.
 */
import { id, init as initAdmin } from "@instantdb/admin";
import { afterEach, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { connectClient, createApp, type Db } from "./instant-client";

const url = inject("gatewayUrl");

const clients: Db[] = [];
const subscriptions: { close(): void }[] = [];
afterEach(() => {
  for (const s of subscriptions.splice(0)) s.close();
  for (const db of clients.splice(0)) db.shutdown();
});

// biome-ignore lint: payloads are what the SDK hands its callback.
type Payload = { type: "ok" | "error"; data?: any; error?: { message: string; status?: number; body?: any } };

function subscribe(db: ReturnType<typeof initAdmin>, q: Parameters<ReturnType<typeof initAdmin>["subscribeQuery"]>[0]) {
  const payloads: Payload[] = [];
  subscriptions.push(db.subscribeQuery(q, (p: Payload) => payloads.push(p)));
  return payloads;
}

/** Payloads as text for assertions that should show what did arrive (errors included). */
const show = (p: Payload | undefined) =>
  p === undefined ? "nothing" : p.type === "ok" ? JSON.stringify(p.data) : `error ${p.error?.status}: ${p.error?.message}`;

it("delivers the initial tree, then a client's write", async () => {
  const app = await createApp(url);
  const admin = initAdmin({ appId: app.id, adminToken: app.adminToken, apiURI: url });
  const first = id();
  await admin.transact(admin.tx.todos![first]!.update({ title: "first" }));

  const payloads = subscribe(admin, { todos: {} });
  const initial = await waitFor(() => payloads[0], { what: "the first payload" });
  expect(initial.type, show(initial)).toBe("ok");
  expect(initial.data).toEqual({ todos: [{ id: first, title: "first" }] });

  const client = connectClient(url, app.id);
  clients.push(client);
  const second = id();
  await client.transact(client.tx.todos![second]!.update({ title: "second" }));
  await waitFor(() => payloads.at(-1)?.data?.todos?.length === 2, { what: "a payload with both todos" }).catch((err: Error) => {
    throw new Error(`${err.message}; payloads: ${payloads.map(show).join(" | ")}`);
  });
  const latest = payloads.at(-1)!;
  expect(latest.data.todos.map((t: { title: string }) => t.title).sort()).toEqual(["first", "second"]);
  expect(payloads.map((p) => p.type)).not.toContain("error");
});

it("a wrong admin token gets record-not-found app-admin-token as an error payload", async () => {
  const app = await createApp(url);
  const wrong = initAdmin({ appId: app.id, adminToken: id(), apiURI: url });
  const payloads = subscribe(wrong, { todos: {} });
  const p = await waitFor(() => payloads[0], { what: "the first payload" });
  expect(p.type).toBe("error");
  // (The SDK's error here has no `status`: it spreads a fetch Response, whose status is a getter.)
  expect(p.error?.body).toMatchObject({ type: "record-not-found", hint: { "record-type": "app-admin-token" } });
});

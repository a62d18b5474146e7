/**
 * The SSE transport: @instantdb/react passes an EventSource implementation, and after a
 * WebSocket attempt that fails it switches to SSE until an SSE message arrives. Here the
 * client's WebSocket URL points at a closed port, so every exchange must go over
 * GET/POST /runtime/sse — live queries, transactions and presence alike.
 */
import { id } from "@instantdb/core";
import { EventSource } from "eventsource";
import { afterEach, expect, inject, it } from "vitest";
import { freePort } from "./dev-server";
import { connectClient, createApp, type Db, record } from "./instant-client";

const url = inject("gatewayUrl");
const clients: Db[] = [];
afterEach(() => {
  for (const db of clients.splice(0)) db.shutdown();
});

it("syncs over SSE when the WebSocket cannot connect", async () => {
  const app = await createApp(url);
  const deadPort = await freePort();
  const overSse = connectClient(url, app.id, { eventSource: EventSource, websocketURI: `ws://127.0.0.1:${deadPort}/runtime/session` });
  const overWs = connectClient(url, app.id);
  clients.push(overSse, overWs);

  const seenOverSse = record(overSse, { todos: {} });
  await seenOverSse.until((r) => r.data?.todos?.length === 0, "the first result over SSE", 30_000);

  // A write from the WebSocket client reaches the SSE client live, and the reverse.
  await overWs.transact(overWs.tx.todos![id()]!.update({ title: "from ws" }));
  await seenOverSse.until((r) => r.data?.todos?.length === 1, "the ws write over SSE");
  const seenOverWs = record(overWs, { todos: {} });
  await overSse.transact(overSse.tx.todos![id()]!.update({ title: "from sse" }));
  const both = await seenOverWs.until((r) => r.data?.todos?.length === 2, "the sse write over ws");
  expect(both.data.todos.map((t: { title: string }) => t.title).sort()).toEqual(["from sse", "from ws"]);
});

/**
 * SSE sessions do not survive their Durable Object being evicted or restarted, and this
 * test documents what happens instead (docs/architecture.md §6.4). Hibernation keeps only
 * WebSockets: an SSE stream is an open HTTP response held by one instance of the object,
 * so while any stream is open the object stays in memory, and when that instance goes
 * (a deploy, a restart, a crash) the response is cut and no new instance can take it
 * over. The client sees its stream end and opens a new one: a new session, on which it
 * re-sends init, every subscription and its rooms, exactly as after a WebSocket
 * reconnect. Here the dev server restarts under an SSE client; it comes back by itself,
 * with live results and its presence restored.
 */
import { id } from "@instantdb/core";
import { EventSource } from "eventsource";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { waitFor } from "../helpers/wait-for";
import { type DevServer, freePort, startDevServer } from "./dev-server";
import { joinAs } from "./room-peers";
import { connectClient, createApp, type Db, record } from "./instant-client";

const dir = mkdtempSync(join(tmpdir(), "gateway-sse-restart-"));
const clients: Db[] = [];
let server: DevServer | undefined;
afterAll(async () => {
  for (const db of clients) db.shutdown();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});


it("an SSE client resumes on a new session after the object restarts", async () => {
  server = await startDevServer(dir);
  const { url, port } = server;
  const app = await createApp(url);
  const deadPort = await freePort();
  const overSse = connectClient(url, app.id, { eventSource: EventSource, websocketURI: `ws://127.0.0.1:${deadPort}/runtime/session` });
  const overWs = connectClient(url, app.id);
  clients.push(overSse, overWs);

  const seen = record(overSse, { todos: {} });
  await seen.until((r) => r.data?.todos?.length === 0, "the first result over SSE", 30_000);
  const roomId = `room-${crypto.randomUUID()}`;
  joinAs(overSse, roomId, "sse");
  const wsPeers = joinAs(overWs, roomId, "ws");
  await waitFor(() => wsPeers().includes("sse"), { what: "the SSE peer", timeoutMs: 30_000 });

  await server.stop();
  server = await startDevServer(dir, port);

  // The SSE client opens a new stream by itself: a write after the restart reaches it...
  await overWs.transact(overWs.tx.todos![id()]!.update({ title: "after restart" }));
  const after = await seen.until((r) => r.data?.todos?.length === 1, "the write over the new SSE session", 60_000);
  expect(after.data.todos[0].title).toBe("after restart");
  // ...and it is back in its room, as a new session the WebSocket peer sees.
  await waitFor(() => wsPeers().includes("sse"), { what: "the SSE peer after the restart", timeoutMs: 60_000 });
});
